#!/usr/bin/env bash
# Build the VS Code extension: npm dependencies (cached by lockfile), type-check, bundle, the daemon wheel, and the
# .vsix (extension/dist/livepair.vsix). Idempotent; fast when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-node.sh
bash scripts/setup-extension-deps.sh
source scripts/node-env.sh
export PATH="$NODE24_BIN:$PATH"
ROOT=$PWD
cd extension

inputs() { cat package.json package-lock.json tsconfig.json esbuild.mjs .vscodeignore README.md CHANGELOG.md LICENSE; find src media -type f | sort | xargs cat; cat "$ROOT/scripts/build-wheel.sh"; cat "$ROOT/pyproject.toml"; find "$ROOT/server/livepair" -type f -not -path '*/__pycache__/*' | sort | xargs cat; }
want=$(inputs | sha256sum | cut -d' ' -f1)
stamp=dist/.build-stamp
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f dist/livepair.vsix ]; then
  exit 0
fi

npx tsc -p . --noEmit
node esbuild.mjs

# The daemon wheel ships inside the .vsix, for the private environment the extension can create.
rm -rf wheels
bash "$ROOT/scripts/build-wheel.sh" wheels >/dev/null
vsce_log=$(mktemp)
trap 'rm -f "$vsce_log"' EXIT

npx vsce package --no-dependencies --out dist/livepair.vsix >"$vsce_log" 2>&1 \
  || { cat "$vsce_log" >&2; exit 1; }
echo "$want" > "$stamp"
echo "build-extension: $(du -h dist/livepair.vsix | cut -f1) extension/dist/livepair.vsix" >&2
