#!/usr/bin/env bash
# Creates (or reuses) the Python virtualenv the interop suite and bench:mlflow run against:
# <repo>/.venv-interop with a pinned MLflow and the ONNX / scikit-learn stack. Idempotent: a stamp
# file records the pins, and the install is skipped when it matches.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
venv="${JSFUNC_INTEROP_VENV:-$root/.venv-interop}"
python="${PYTHON:-python3}"

pins=(
  "mlflow==3.17.2"
  "onnx==1.23.2"
  "onnxruntime==1.32.0"
  "scikit-learn==1.9.1"
  "skl2onnx==1.20.0"
  "pandas==3.1.1"
  "numpy==2.4.6"
  "Flask-WTF==1.3.0"
)
stamp="$venv/.jsfunc-interop-pins"
wanted="$(printf '%s\n' "${pins[@]}")"

if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
  echo "interop venv ready: $venv"
  exit 0
fi

if [[ ! -x "$venv/bin/python" ]]; then
  echo "creating interop venv at $venv"
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet "${pins[@]}"
"$venv/bin/python" -c "import mlflow, onnx, onnxruntime, sklearn, skl2onnx, pandas, flask_wtf; print('mlflow', mlflow.__version__)"
printf '%s\n' "$wanted" > "$stamp"
echo "interop venv ready: $venv"
