#!/usr/bin/env bash
# Idempotent: install the given Debian packages if any is missing. Usage: apt-ensure.sh WHO PACKAGE...
# Fast when everything is present. Without root or apt it only says what is missing (the callers degrade).
set -euo pipefail
who=$1
shift
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "$who: missing ${missing[*]}; install them (as root: apt-get install ${missing[*]})" >&2
  exit 0
fi
echo "$who: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 update -qq
apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
