#!/usr/bin/env bash
# Every test RealCall has, on a fresh clone: installs what it needs first.
# README's test command runs this (npm run test:all); .ci/run runs that.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's Chromium for the browser tests (no browser is ever downloaded by npm).
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  echo "[test-all] installing Debian's chromium for the browser tests"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  $sudo_cmd apt-get install -y -q chromium
fi

# better-sqlite3 compiles from source: build against the local Node headers instead of downloading them.
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
npm ci --no-audit --no-fund

npm run verify
