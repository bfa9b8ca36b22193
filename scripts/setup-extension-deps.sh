#!/usr/bin/env bash
# The extension's npm dependencies, installed from the lockfile with Node 24; skipped when the lockfile is unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
export PATH="$NODE24_BIN:$PATH"
cd extension
want=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.lock-stamp
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "setup-extension-deps: npm ci" >&2
npm ci --no-audit --no-fund --loglevel=error >/dev/null
echo "$want" > "$stamp"
