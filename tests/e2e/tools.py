"""The e2e tests' tools (devtools/tools.py); missing ones follow tests/tooling.py's rule (fail on CI)."""

from __future__ import annotations

from devtools.tools import ROOT, SETUP_HINT, E2ETools, locate_tools
from tests.tooling import tool_missing

__all__ = ["ROOT", "E2ETools", "find_tools", "locate_tools"]


def find_tools() -> E2ETools:
    found = locate_tools()
    missing = [
        str(p) for p in (found.node_bin / "node", found.code_server, found.vsix, found.chromium) if not p.exists()
    ]
    if missing:
        tool_missing(f"e2e tools missing ({', '.join(missing)}): {SETUP_HINT}")
    return found
