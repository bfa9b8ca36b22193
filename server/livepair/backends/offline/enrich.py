"""Make a catalogue match specific to this workspace: where exactly, what exactly, and a safe fix if one exists."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.catalogue import Match


@dataclass(frozen=True)
class Fix:
    line: int  # 1-based; the whole line is replaced
    new_text: str
    explanation: str


@dataclass(frozen=True)
class Finding:
    """What the advisor has to say: the advice, where (if it knows), and a fix (if one is safe)."""

    message: str
    place: ws.Place | None = None
    fix: Fix | None = None


@dataclass(frozen=True)
class Facts:
    root: Path
    cwd: Path
    read: Callable[[Path], str | None]


def _line(facts: Facts, place: ws.Place | None) -> str | None:
    if place is None:
        return None
    text = facts.read(place.path)
    lines = text.splitlines() if text else []
    return lines[place.line - 1] if 0 < place.line <= len(lines) else None


def nearest_file(m: Match, f: Finding, facts: Facts) -> Finding:
    missing = m.fields.get("path", "")
    found = ws.nearest_file(missing, facts.cwd, facts.root) if missing else None
    if found is None:
        return replace(f, message=f.message + " No file with that name is in the workspace.")
    suggestion = ws.relative_to(found, facts.cwd)
    message = f"{f.message} It exists at '{suggestion}'."
    line = _line(facts, f.place)
    if f.place is None or line is None:
        return replace(f, message=message)
    for quote in ("'", '"'):
        literal = f"{quote}{missing}{quote}"
        if literal in line:
            fixed = line.replace(literal, f"{quote}{suggestion}{quote}", 1)
            fix = Fix(f.place.line, fixed, f"Open '{suggestion}' (paths are relative to the working directory)")
            return replace(f, message=message, fix=fix)
    return replace(f, message=message)


def nearest_name(m: Match, f: Finding, facts: Facts) -> Finding:
    name = m.fields.get("name", "")
    source = facts.read(f.place.path) if f.place else None
    close = ws.nearest_names(name, source or "") if name else []
    if not close:
        return f
    message = f"{f.message} Did you mean '{close[0]}'?"
    line = _line(facts, f.place)
    if f.place is not None and line is not None and re.search(rf"\b{re.escape(name)}\b", line):
        fixed = re.sub(rf"\b{re.escape(name)}\b", close[0], line)
        return replace(f, message=message, fix=Fix(f.place.line, fixed, f"Rename '{name}' to '{close[0]}'."))
    return replace(f, message=message)


def module_install(m: Match, f: Finding, facts: Facts) -> Finding:
    module = m.fields.get("module", "")
    venv = ws.installed_in_venv(module, facts.root)
    if venv is not None:
        rel = ws.relative_to(venv, facts.cwd)
        return replace(
            f, message=f"{f.message} It is installed in {rel}: run with {rel}/bin/python, or select that interpreter."
        )
    return replace(f, message=f"{f.message} Install it: python -m pip install {ws.pip_name(module)}")


def api_key_placeholder(m: Match, f: Finding, facts: Facts) -> Finding:
    found = ws.placeholder_key(facts.root, facts.read)
    if found is None:
        return replace(f, message=f"{f.message} Check the key you pass, and load it from an environment variable.")
    place, var, value = found
    env = var.upper()
    rel = ws.relative_to(place.path, facts.root)
    message = (
        f'{f.message} {rel} line {place.line} sets {var} to the placeholder "{value}": '
        f'read the real key from the environment instead, os.environ["{env}"], and keep it out of the code.'
    )
    return Finding(message, place, None)


ENRICHERS: dict[str, Callable[[Match, Finding, Facts], Finding]] = {
    "nearest_file": nearest_file,
    "nearest_name": nearest_name,
    "module_install": module_install,
    "api_key_placeholder": api_key_placeholder,
}


def finding(m: Match, place: ws.Place | None, facts: Facts) -> Finding:
    base = Finding(m.text(cwd=str(facts.cwd)), place)
    enrich = ENRICHERS.get(m.entry.enrich or "")
    return enrich(m, base, facts) if enrich else base
