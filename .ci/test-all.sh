#!/usr/bin/env bash
# Every test RealCall has, on a fresh clone: installs what it needs first.
# README's test command runs this (npm run test:all); .ci/run runs that.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the real-part suites use, installed when missing (nothing is ever downloaded
# by npm): Chromium for the browser tests, sipp (sip-tester) for the SIP scenarios, iproute2
# for the network namespace of the browser-to-browser call.
need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
command -v sipp >/dev/null 2>&1 || need+=(sip-tester)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
if [ "${#need[@]}" -gt 0 ]; then
  echo "[test-all] installing Debian's ${need[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi

# better-sqlite3 compiles from source: build against the local Node headers instead of downloading them.
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
npm ci --no-audit --no-fund

npm run verify
