#!/usr/bin/env bash
# Idempotent: what screen sharing's tests and benchmark need on Debian — a virtual X display (Xvfb), xdotool
# (the daemon uses it, when present, to find the monitor that holds the VS Code window) and Tk with a monospace
# font for the scripted test screen (tests/media/painter.py). Fast when everything is present.
set -euo pipefail

PACKAGES=(xvfb xdotool python3-tk fonts-dejavu-core)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "setup-screen: missing ${missing[*]}; install them (as root: apt-get install ${missing[*]})" >&2
  exit 0  # the daemon shares no screen without a display and says so; the screen tests will fail loudly
fi
echo "setup-screen: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 update -qq
apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
