"""A subpath a package does not export (ERR_PACKAGE_PATH_NOT_EXPORTED), in plain words and with the facts around it:
what the package does export, which file asked for the subpath (and, when that file is another package, the versions
it declares it supports), and the version the project's package.json asks for. An honest hint: whether the project
should pin another version or the code should stop reaching inside the package is the project's choice.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from livepair.backends.offline import honest
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding

SUBPATH = re.compile(
    r"Package subpath '(?P<sub>[^']+)' is not defined by \"exports\" in (?P<manifest>\S+package\.json)"
)
FRAME = re.compile(r"\((?:file://)?(?P<file>/[^:()\n]+):(?P<line>\d+):\d+\)$", re.M)
IN_PACKAGE = re.compile(r"node_modules/(?P<name>(?:@[^/]+/)?[^/]+)/")


def _manifest(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _asker(output: str, spec: str) -> ws.Place | None:
    """The stack frame whose line asks for `spec` (the require or import Node refused)."""
    for m in FRAME.finditer(output):
        path, line = Path(m["file"]), int(m["line"])
        try:
            text = path.read_text().splitlines()
        except OSError:
            continue
        if 0 < line <= len(text) and spec in text[line - 1]:
            return ws.Place(path, line)
    return None


def _asked_for(project: Path, name: str) -> tuple[ws.Place, str] | None:
    """The line of the project's package.json that asks for `name`, and the version range it gives."""
    try:
        lines = project.read_text().splitlines()
    except OSError:
        return None
    for n, line in enumerate(lines, 1):
        m = re.search(rf'"{re.escape(name)}"\s*:\s*"(?P<range>[^"]+)"', line)
        if m:
            return ws.Place(project, n), m["range"]
    return None


def not_exported(kind: str, code: str, msg: str, where: ws.Place | None, facts: Facts, command: str) -> Finding | None:
    m = SUBPATH.search(msg)
    if m is None:
        return None
    package = _manifest(Path(m["manifest"]))
    name = str(package.get("name") or Path(m["manifest"]).parent.name)
    spec = f"{name}/{m['sub'].removeprefix('./')}"
    exports = package.get("exports")
    listed = [k for k in exports if k.startswith(".")] if isinstance(exports, dict) else []
    shown = " and ".join(f"'{k}'" for k in listed)
    said = f"Node would not load '{spec}': {name} {package.get('version', '')}".rstrip()
    said += f" exports only {shown}" if listed else " does not export that path"
    asker = _asker(facts.output, spec)
    user = IN_PACKAGE.search(str(asker.path)) if asker is not None else None
    if asker is not None and user is not None:
        said += f". The package {user['name']} asks for it (line {asker.line} of {asker.path.name})"
        wanted = _peer_range(asker.path, user["name"], name)
        said += f" and declares it works with {name} {wanted}" if wanted else ""
    pin = _asked_for(facts.cwd / "package.json", name)
    said += f"; package.json asks for {name} {pin[1]}" if pin is not None else ""
    own = asker if asker is not None and user is None else None  # the project's own code reaches inside it
    at = own or (pin[0] if pin is not None else where)
    return honest.hint(
        said,
        at,
        f"which side should change: the {name} version the project asks for, or the code that reaches inside it",
    )


def _peer_range(asker: Path, user: str, name: str) -> str:
    """The range of `name` that the package `user` (which holds `asker`) declares in its peerDependencies."""
    text = str(asker)
    at = text.rfind(f"node_modules/{user}/")
    peers = _manifest(Path(text[: at + len(f"node_modules/{user}")]) / "package.json").get("peerDependencies")
    wanted = peers.get(name) if isinstance(peers, dict) else None
    return wanted if isinstance(wanted, str) else ""
