#!/usr/bin/env bash
# Idempotent setup: the Python venv with the daemon and its dev tools. Fast when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
STAMP=$VENV/.setup-stamp
want=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && "$VENV/bin/python" -c "import livepair" 2>/dev/null; then
  exit 0
fi

if ! "$PYTHON" -c "import venv, ensurepip" 2>/dev/null; then
  echo "setup: installing python3-venv" >&2
  apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
fi
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q -e '.[dev]'
echo "$want" > "$STAMP"
echo "setup: venv ready ($("$VENV/bin/python" --version))" >&2
