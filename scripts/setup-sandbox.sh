#!/usr/bin/env bash
# Idempotent: bubblewrap (the run_python sandbox: namespaces, read-only binds) and prlimit (its memory cap).
set -euo pipefail
exec bash "$(dirname "$0")/apt-ensure.sh" setup-sandbox bubblewrap util-linux
