#!/usr/bin/env bash
# The extension's checks: TypeScript strict type-check and the vitest unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
export PATH="$NODE24_BIN:$PATH"
cd extension
npx tsc -p . --noEmit
NO_COLOR=1 npx vitest run --reporter=dot
