#!/usr/bin/env bash
# Installs what the test suites need outside npm: Debian's redis-server (the tests start their own
# instances on loopback) and the Python virtualenv with a pinned MLflow for the interop suite.
set -euo pipefail
if ! command -v redis-server >/dev/null 2>&1; then
  echo "[jsfunc] installing redis-server from Debian" >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
fi
redis-server --version
if [ -x packages/tracking/interop/setup-venv.sh ]; then
  bash packages/tracking/interop/setup-venv.sh
fi
