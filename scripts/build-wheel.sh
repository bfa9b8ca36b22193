#!/usr/bin/env bash
# Build the daemon's wheel into DIR (default: dist/): what the .vsix ships and what `pipx install` takes for other
# editors. Built from a clean copy of the sources, so nothing stale (a build/ dir, caches) can end up in it and the
# work tree stays clean. PYTHON (default: .venv/bin/python) runs pip.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$ROOT/dist}" && cd "${1:-$ROOT/dist}" && pwd)
python=${PYTHON:-$ROOT/.venv/bin/python}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src/server"
cp "$ROOT/pyproject.toml" "$ROOT/README.md" "$work/src/"
cp -r "$ROOT/server/livepair" "$work/src/server/"
find "$work/src" -name __pycache__ -prune -exec rm -rf {} +
"$python" -m pip wheel -q --no-deps --disable-pip-version-check -w "$out" "$work/src" >"$work/log" 2>&1 \
  || { cat "$work/log" >&2; exit 1; }
ls "$out"/livepair-*.whl
