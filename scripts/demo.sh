#!/usr/bin/env bash
# The main job, from a fresh checkout: install, build, package a real ONNX model (MLflow's own
# LinearRegression export from ../shared/fixtures) with the jsfunc CLI, serve it, score it over HTTP.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-pnpm.sh
pnpm install --frozen-lockfile
pnpm exec turbo run build
node scripts/demo.mjs
