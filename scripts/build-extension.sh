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

inputs() { cat package.json package-lock.json tsconfig.json esbuild.mjs .vscodeignore README.md CHANGELOG.md LICENSE; find src media -type f | sort | xargs cat; cat "$ROOT/pyproject.toml"; find "$ROOT/server/livepair" -name '*.py' | sort | xargs cat; }
want=$(inputs | sha256sum | cut -d' ' -f1)
stamp=dist/.build-stamp
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f dist/livepair.vsix ]; then
  exit 0
fi

npx tsc -p . --noEmit
node esbuild.mjs

# The daemon wheel ships inside the .vsix, for the private environment the extension can create. It is built from
# a clean copy of the sources, so nothing stale (a build/ dir, caches) can end up in it and the work tree stays clean.
rm -rf wheels && mkdir -p wheels
wheel_build=$(mktemp -d)
trap 'rm -rf "$wheel_build"' EXIT
mkdir -p "$wheel_build/src/server"
cp "$ROOT/pyproject.toml" "$ROOT/README.md" "$wheel_build/src/"
cp -r "$ROOT/server/livepair" "$wheel_build/src/server/"
find "$wheel_build/src" -name __pycache__ -prune -exec rm -rf {} +
"$ROOT/.venv/bin/python" -m pip wheel -q --no-deps --disable-pip-version-check -w wheels "$wheel_build/src" \
  >"$wheel_build/log" 2>&1 || { cat "$wheel_build/log" >&2; exit 1; }

npx vsce package --no-dependencies --out dist/livepair.vsix >"$wheel_build/vsce.log" 2>&1 \
  || { cat "$wheel_build/vsce.log" >&2; exit 1; }
echo "$want" > "$stamp"
echo "build-extension: $(du -h dist/livepair.vsix | cut -f1) extension/dist/livepair.vsix" >&2
