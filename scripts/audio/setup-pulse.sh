#!/usr/bin/env bash
# Sets up a PulseAudio test rig for live capture without a sound card: a user daemon, two null
# sinks (cuecard_rep, cuecard_customer) whose monitors act as the microphone and the system
# audio, and an ALSA config that shows those monitors to PortAudio/naudiodon as input devices
# named cuecard_rep and cuecard_customer. Safe to run again; installs packages when missing
# (Debian/Ubuntu, needs root) unless --no-install is given.
#
# Use the rig from a shell or a test with:
#   export XDG_RUNTIME_DIR=$CUECARD_PULSE_DIR/run XDG_CONFIG_HOME=$CUECARD_PULSE_DIR/xdg
# (CUECARD_PULSE_DIR defaults to /tmp/cuecard-pulse). The daemon exits after 10 idle minutes.
set -euo pipefail

PULSE_DIR="${CUECARD_PULSE_DIR:-/tmp/cuecard-pulse}"
install=1
[[ "${1:-}" == "--no-install" ]] && install=0

if ! command -v pulseaudio >/dev/null || ! command -v pactl >/dev/null || ! command -v paplay >/dev/null \
  || [[ ! -e /usr/share/alsa/alsa.conf.d/pulse.conf ]]; then
  if [[ $install == 0 ]]; then
    echo "setup-pulse: PulseAudio or the ALSA pulse plugin is missing (run without --no-install)" >&2
    exit 1
  fi
  echo "setup-pulse: installing pulseaudio pulseaudio-utils libasound2-plugins"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq pulseaudio pulseaudio-utils libasound2-plugins >/dev/null
fi

export XDG_RUNTIME_DIR="$PULSE_DIR/run"
mkdir -p "$XDG_RUNTIME_DIR" "$PULSE_DIR/xdg/alsa"
chmod 700 "$XDG_RUNTIME_DIR"

if ! pactl info >/dev/null 2>&1; then
  # -n: no default.pa, so only what is loaded here (no hardware probing on a machine without any).
  pulseaudio -D -n --exit-idle-time=600 --load=module-native-protocol-unix \
    --log-target=file:"$PULSE_DIR/pulseaudio.log"
  for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
  pactl info >/dev/null
fi

for sink in cuecard_rep cuecard_customer; do
  if ! pactl list short sinks | grep -q "[[:space:]]$sink[[:space:]]"; then
    pactl load-module module-null-sink sink_name="$sink" rate=16000 channels=1 >/dev/null
  fi
done

cat >"$PULSE_DIR/xdg/alsa/asoundrc" <<'ALSA'
pcm.cuecard_rep { type pulse; device "cuecard_rep.monitor"; hint { show on; description "Cuecard test microphone" } }
pcm.cuecard_customer { type pulse; device "cuecard_customer.monitor"; hint { show on; description "Cuecard test system audio" } }
ALSA

echo "setup-pulse: ready (XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR XDG_CONFIG_HOME=$PULSE_DIR/xdg)"
