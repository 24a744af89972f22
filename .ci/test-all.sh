#!/usr/bin/env bash
# Every test RealCall has, on a fresh clone: installs what it needs first.
# README's test command runs this (npm run test:all); .ci/run runs that.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the real-part suites use, installed when missing (nothing is ever downloaded
# by npm): Chromium for the browser tests, sipp (sip-tester) for the SIP scenarios, iproute2
# for the network namespaces of the browser-to-browser calls, coturn for the relay, nftables for
# the NAT and firewall a caller sits behind, and a Chinese font for Chromium.
need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
command -v sipp >/dev/null 2>&1 || need+=(sip-tester)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v turnserver >/dev/null 2>&1 || need+=(coturn)
command -v nft >/dev/null 2>&1 || need+=(nftables)
# A Chinese font, so the 中文 pages the layout tests measure are drawn as people see them (not as boxes).
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || need+=(fonts-wqy-microhei)
if [ "${#need[@]}" -gt 0 ]; then
  echo "[test-all] installing Debian's ${need[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
  # The tests start their own relay on addresses of their own; Debian's unconfigured service is not wanted.
  if [[ " ${need[*]} " == *" coturn "* ]] && command -v systemctl >/dev/null 2>&1; then
    $sudo_cmd systemctl disable --now coturn >/dev/null 2>&1 || true
  fi
fi

# better-sqlite3 compiles from source: build against the local Node headers instead of downloading them.
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
npm ci --no-audit --no-fund

# The soak's CI profile (issue 13): 1 minute of warm-up and 3 of load on a real Asterisk and the
# API, judged (bench/soak/). First, and alone: it measures memory and the event loop, which the
# suites running beside it would disturb. Without an Asterisk it says so in one line.
if [ -n "${ASTERISK_BIN:-}" ] || command -v asterisk >/dev/null 2>&1; then
  npm run soak -- --profile ci
else
  echo "[test-all] soak: skipped (no Asterisk binary: set ASTERISK_BIN or put asterisk on PATH)"
fi

npm run verify
