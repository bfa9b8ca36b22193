#!/usr/bin/env bash
# Idempotent: code-server (a real VS Code in the browser) for the e2e test, built with Node 24.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-node.sh
source scripts/node-env.sh
export PATH="$NODE24_BIN:$PATH"

stamp=$CODE_SERVER_DIR/.installed
if [ -f "$stamp" ] && [ -x "$CODE_SERVER_BIN" ]; then
  exit 0
fi
echo "setup-code-server: installing code-server $CODE_SERVER_VERSION into $CODE_SERVER_DIR (takes a few minutes)" >&2
rm -rf "$CODE_SERVER_DIR"
mkdir -p "$CODE_SERVER_DIR"
# Its native modules compile here; the log is kept for a failed install.
if ! npm install --no-audit --no-fund --loglevel=error --prefix "$CODE_SERVER_DIR" "code-server@$CODE_SERVER_VERSION" \
    >"$CODE_SERVER_DIR/install.log" 2>&1; then
  tail -40 "$CODE_SERVER_DIR/install.log" >&2
  echo "setup-code-server: npm install failed (full log: $CODE_SERVER_DIR/install.log)" >&2
  exit 1
fi
"$CODE_SERVER_BIN" --version >/dev/null
touch "$stamp"
