#!/usr/bin/env bash
# Makes `pnpm` 10 available on PATH (installing it with npm when it is missing or broken) and
# installs the workspace. Sourced by the other scripts.
set -euo pipefail
export ONNXRUNTIME_NODE_INSTALL=skip
export ONNXRUNTIME_NODE_INSTALL_CUDA=skip
if ! pnpm --version >/dev/null 2>&1; then
  echo "[jsfunc] pnpm not found: installing pnpm@10 with npm" >&2
  npm install -g pnpm@10 >/dev/null
  hash -r
fi
pnpm --version >/dev/null
