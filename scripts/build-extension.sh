#!/usr/bin/env bash
# Build the VS Code extension: npm dependencies (cached by lockfile), type-check, bundle, the daemon wheel, and the
# .vsix (extension/dist/livepair.vsix). Idempotent; fast when nothing changed.
#
# --publish: also extension/dist/livepair-publish.vsix, whose manifest links (repository, homepage, bugs) point at
# the public repository: LIVEPAIR_REPOSITORY_URL, else the git remote origin when it is public https
# (scripts/package_urls.py). Without one it refuses, in one line: package.json's links are placeholders.
set -euo pipefail
cd "$(dirname "$0")/.."
publish=0
case "${1:-}" in
  "") ;;
  --publish) publish=1 ;;
  *) echo "usage: build-extension.sh [--publish]" >&2; exit 2 ;;
esac
manifest=""
if [ "$publish" = 1 ]; then  # refused before anything is built
  manifest=$(mktemp)
  python3 scripts/package_urls.py fill extension/package.json >"$manifest" || { rm -f "$manifest"; exit 1; }
fi
bash scripts/setup-node.sh
bash scripts/setup-extension-deps.sh
source scripts/node-env.sh
export PATH="$NODE24_BIN:$PATH"
ROOT=$PWD
cd extension

inputs() { cat package.json package-lock.json tsconfig.json esbuild.mjs .vscodeignore README.md CHANGELOG.md LICENSE; find src media -type f | sort | xargs cat; cat "$ROOT/scripts/build-wheel.sh"; cat "$ROOT/pyproject.toml"; find "$ROOT/server/livepair" -type f -not -path '*/__pycache__/*' | sort | xargs cat; }
want=$(inputs | sha256sum | cut -d' ' -f1)
stamp=dist/.build-stamp
vsce_log=$(mktemp)
saved=""  # package.json as written, while the publishing manifest stands in for it
cleanup() {
  if [ -n "$saved" ]; then cp "$saved" package.json; rm -f "$saved"; fi
  rm -f "$vsce_log" ${manifest:+"$manifest"}
}
trap cleanup EXIT

if ! { [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f dist/livepair.vsix ]; }; then
  npx tsc -p . --noEmit
  node esbuild.mjs

  # The daemon wheel ships inside the .vsix, for the private environment the extension can create.
  rm -rf wheels
  bash "$ROOT/scripts/build-wheel.sh" wheels >/dev/null

  npx vsce package --no-dependencies --out dist/livepair.vsix >"$vsce_log" 2>&1 \
    || { cat "$vsce_log" >&2; exit 1; }
  echo "$want" > "$stamp"
  echo "build-extension: $(du -h dist/livepair.vsix | cut -f1) extension/dist/livepair.vsix" >&2
fi

if [ "$publish" = 1 ]; then  # the same build, packaged with the public links; package.json is put back after
  saved=$(mktemp)
  cp package.json "$saved"
  cp "$manifest" package.json
  npx vsce package --no-dependencies --out dist/livepair-publish.vsix >"$vsce_log" 2>&1 \
    || { cat "$vsce_log" >&2; exit 1; }
  cp "$saved" package.json
  rm -f "$saved"
  saved=""
  echo "build-extension: $(du -h dist/livepair-publish.vsix | cut -f1) extension/dist/livepair-publish.vsix" >&2
fi
