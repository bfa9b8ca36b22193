"""Fixes for Node programs: the module path or file path a Node finding names, changed where the code wrote it.

No static check reads JavaScript here, so each fix is a trial (enrich.checked): it is offered only once the
program, re-run with it in the sandbox, gets past its error (recheck.py). An edit is made only where the code
shows one place to make it: the literal written once in the file, and a name that does not clash.
"""

from __future__ import annotations

import re
from dataclasses import replace

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Finding, Proposal, checked

PATH_BOUND = re.compile(
    r"""(?:(?:const|let|var)\s+path\s*=\s*require\(\s*['"](?:node:)?path['"]\s*\)"""
    r"""|import\s+(?:\*\s+as\s+)?path\s+from\s+['"](?:node:)?path['"])"""
)
PATH_TAKEN = re.compile(r"(?:\b(?:const|let|var|function|class)\s+|[{,]\s*)path\b")
ESM_SYNTAX = re.compile(r"^\s*(?:import\s[^(]|export\s)", re.M)


def _literal(spec: str) -> re.Pattern[str]:
    return re.compile(r"""(?P<q>['"`])""" + re.escape(spec) + r"(?P=q)")


def _once(text: str, spec: str) -> re.Match[str] | None:
    """The literal `spec` (in any quotes) when the file writes it exactly once."""
    hits = list(_literal(spec).finditer(text))
    return hits[0] if len(hits) == 1 else None


def _read(place: ws.Place) -> str | None:
    try:
        return place.path.read_text()
    except (OSError, UnicodeDecodeError):
        return None


def _with(found: Finding, place: ws.Place, text: str, patched: str, explanation: str) -> Finding:
    return checked(replace(found, place=place, proposal=Proposal(text, patched, explanation)))


def respecified(found: Finding, place: ws.Place | None, old: str, new: str) -> Finding:
    """`found` with a fix that writes the module specifier `new` where the file wrote `old`."""
    text = _read(place) if place is not None else None
    hit = _once(text, old) if text is not None else None
    if place is None or text is None or hit is None:
        return found
    patched = f"{text[: hit.start()]}{hit['q']}{new}{hit['q']}{text[hit.end() :]}"
    return _with(found, place, text, patched, f"Import '{new}'")


def is_es_module(place: ws.Place, text: str, declared_type: object) -> bool:
    if place.path.suffix == ".mjs":
        return True
    return place.path.suffix != ".cjs" and (declared_type == "module" or bool(ESM_SYNTAX.search(text)))


def beside_the_file(found: Finding, place: ws.Place, relative: str, declared_type: object) -> Finding:
    """`found` with a fix that reads `relative` from the code's own folder rather than the working directory."""
    text = _read(place)
    hit = _once(text, relative) if text is not None else None
    if text is None or hit is None:
        return found
    literal = hit[0]
    if is_es_module(place, text, declared_type):  # no __dirname in an ES module; fs takes a file URL
        rel = f"./{relative.removeprefix('./')}"
        return _with(found, place, text, text.replace(literal, f"new URL('{rel}', import.meta.url)", 1), "Read it "
                     "from beside the module")  # fmt: skip
    patched = text[: hit.start()] + f"path.join(__dirname, {literal})" + text[hit.end() :]
    if not PATH_BOUND.search(text):
        if PATH_TAKEN.search(text):
            return found  # `path` means something else here: no name to add without a clash
        lines = patched.splitlines(keepends=True)
        head = 1 if lines and (lines[0].startswith("#!") or "use strict" in lines[0]) else 0
        patched = "".join([*lines[:head], "const path = require('path');\n", *lines[head:]])
    return _with(found, place, text, patched, "Read it from beside the script (__dirname)")


def line_edited(found: Finding, place: ws.Place | None, pattern: str, new: str, explanation: str) -> Finding:
    """`found` with a fix that rewrites the one match of `pattern` on `place`'s line into `new` (a re.sub template)."""
    text = _read(place) if place is not None else None
    lines = text.splitlines(keepends=True) if text is not None else []
    if place is None or text is None or not 0 < place.line <= len(lines):
        return found
    line = lines[place.line - 1]
    body = line.rstrip("\r\n")  # the edit never takes the line's end with it
    if len(re.findall(pattern, body)) != 1:
        return found  # no match, or several: which one to change is not shown
    lines[place.line - 1] = re.sub(pattern, new, body, count=1) + line[len(body) :]
    return _with(found, place, text, "".join(lines), explanation)
