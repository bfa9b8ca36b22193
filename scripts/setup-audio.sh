#!/usr/bin/env bash
# Idempotent: the Debian packages voice needs (PortAudio for sounddevice) and the ones its tests use
# (a user-mode PulseAudio with null sinks as virtual mic/speaker, espeak-ng for speech, sox). Without them voice
# degrades to 'unavailable' with a reason, and the audio tests say what is missing.
set -euo pipefail
exec bash "$(dirname "$0")/apt-ensure.sh" setup-audio \
  libportaudio2 pulseaudio pulseaudio-utils alsa-utils libasound2-plugins espeak-ng sox
