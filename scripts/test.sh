#!/usr/bin/env bash
# Runs every test of the workspace from a fresh checkout: installs pnpm and the workspace, the
# services the tests need, builds, and runs the unit, integration, end-to-end and interop suites.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-pnpm.sh
pnpm install --frozen-lockfile
bash scripts/ensure-services.sh
echo "[jsfunc] node $(node --version)"
pnpm exec turbo run build
pnpm exec turbo run lint typecheck --concurrency=1
pnpm exec turbo run test --concurrency=1
if grep -q '"test:interop"' package.json; then
  pnpm run test:interop
fi
