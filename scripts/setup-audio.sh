#!/usr/bin/env bash
# Idempotent: the Debian packages voice needs (PortAudio for sounddevice) and the ones its tests use
# (a user-mode PulseAudio with null sinks as virtual mic/speaker, espeak-ng for speech, sox). Fast when present.
set -euo pipefail

PACKAGES=(libportaudio2 pulseaudio pulseaudio-utils alsa-utils libasound2-plugins espeak-ng sox)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "setup-audio: missing ${missing[*]}; install them (as root: apt-get install ${missing[*]})" >&2
  exit 0  # voice degrades to 'unavailable' with a reason; the audio tests will say what is missing
fi
echo "setup-audio: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
