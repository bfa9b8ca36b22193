#!/usr/bin/env bash
# Idempotent: bubblewrap (the run_python sandbox: namespaces, read-only binds), prlimit (its caps) and setpriv
# (its user when the daemon is root), both from util-linux.
set -euo pipefail
exec bash "$(dirname "$0")/apt-ensure.sh" setup-sandbox bubblewrap util-linux
