#!/usr/bin/env bash
# Runs every test of the workspace from a fresh checkout: installs pnpm and the workspace, the
# services the tests need, builds, and runs the unit, integration, end-to-end, reliability and
# MLflow interop suites. Ends with one line: "tests: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-pnpm.sh
pnpm install --frozen-lockfile
bash scripts/ensure-services.sh
echo "[jsfunc] node $(node --version)"
pnpm exec turbo run build
pnpm exec turbo run lint typecheck --concurrency=1
log=$(mktemp)
status=0
pnpm exec turbo run test --concurrency=1 --continue 2>&1 | tee "$log" || status=$?
if grep -q '"test:interop"' package.json; then
  pnpm run test:interop 2>&1 | tee -a "$log" || status=$?
fi
# vitest prints "Tests  N passed | M failed (T)" per package; add them up.
summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
  /^[^ ]*:?[[:space:]]*Tests[[:space:]]+/ {
    for (i = 1; i <= NF; i++) {
      if ($(i) ~ /^passed/) passed += $(i - 1)
      if ($(i) ~ /^failed/) failed += $(i - 1)
    }
  }
  END { printf "%d passed, %d failed", passed, failed }')
rm -f "$log"
echo "tests: $summary"
exit "$status"
