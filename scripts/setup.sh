#!/usr/bin/env bash
# Installs everything Cuecard's app and tests need on a fresh Debian/Ubuntu machine (or macOS
# without the apt part): system packages when missing, then the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
command -v make >/dev/null 2>&1 || need_apt+=(make)
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
command -v tar >/dev/null 2>&1 || need_apt+=(tar)
command -v bzip2 >/dev/null 2>&1 || need_apt+=(bzip2)
# A CJK font, so the Chinese UI renders in the browser tests and their screenshots.
if [ "$(uname -s)" = "Linux" ] && ! { command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q .; }; then
  need_apt+=(fonts-wqy-microhei)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    echo "[setup] installing system packages: ${need_apt[*]}"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "[setup] please install: ${need_apt[*]} (needed for the browser tests and native modules)" >&2
  fi
fi

# The Electron binary is fetched by `npm start` when needed, so that machines without access
# to its host can still install, test and use the CLI. onnxruntime-node runs on the CPU here;
# skipping its install step avoids downloading CUDA libraries.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
export ONNXRUNTIME_NODE_INSTALL=skip
if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  echo "[setup] npm dependencies are up to date"
else
  echo "[setup] installing npm dependencies"
  npm ci --no-audit --no-fund
fi
node scripts/ensure-native.mjs node
# The browser UI (`cuecard ui`) serves the built renderer.
echo "[setup] building the UI"
npm run -s build:renderer >/dev/null

# A PulseAudio rig with two null sinks gives the live-capture test real input devices on
# machines without a sound card (Linux with apt only).
if [ "$(uname -s)" = "Linux" ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  bash scripts/audio/setup-pulse.sh || echo "[setup] PulseAudio rig unavailable: the live-capture test will say it skips"
fi
echo "[setup] done"
