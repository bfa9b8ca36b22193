"""The e2e tests' tools (devtools/tools.py), or a skip when they are missing — a failure on CI, where `make test`
must have installed them."""

from __future__ import annotations

import os

import pytest

from devtools.tools import ROOT, SETUP_HINT, E2ETools, locate_tools

__all__ = ["ROOT", "E2ETools", "find_tools", "locate_tools"]


def find_tools() -> E2ETools:
    found = locate_tools()
    missing = [
        str(p) for p in (found.node_bin / "node", found.code_server, found.vsix, found.chromium) if not p.exists()
    ]
    if missing:
        message = f"e2e tools missing ({', '.join(missing)}): {SETUP_HINT}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found
