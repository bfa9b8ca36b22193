"""Import cycles, and what looks like one: a module still loading when its name is used, a name imported from a
module that is only partly run, a workspace file named like a standard module found instead of it, and a module
that imports the script that was run (Python loads that file twice)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.edits import line_of
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.probation import on_probation
from livepair.backends.offline.py_crash import crash

CIRCULAR = re.compile(r"cannot import name '(?P<name>\w+)' from partially initialized module '(?P<module>[\w.]+)'")
PARTIAL = re.compile(r"partially initialized module '(?P<module>[\w.]+)' has no attribute '(?P<attr>\w+)'")


def _imports(facts: Facts, at: ws.Place, name: str) -> bool:
    code = line_of(facts.read(at.path) or "", at.line) or ""
    return bool(re.search(rf"^\s*(?:import\s+{re.escape(name)}\b|from\s+{re.escape(name)}\s+import\b)", code))


def _named_like_stdlib(facts: Facts, where: list[ws.Place], loading: str) -> Finding | None:
    """A cycle through a workspace file named like a standard module (csv.py, token.py): not the program's own
    cycle, but that file found instead of the module something being imported needed."""
    for at in reversed(where):
        name = at.path.stem
        if name in sys.stdlib_module_names and name != loading:
            rel = ws.relative_to(at.path, facts.root)
            return Finding(
                f"Your file {rel} has the same name as the standard library module '{name}': while '{loading}' "
                f"was loading, an import of '{name}' found yours instead, and it imports '{loading}' again. "
                f"Rename {rel} (e.g. to my_{name}.py) and delete any __pycache__ next to it.",
                ws.Place(at.path, 1),
            )
    return None


def circular(facts: Facts) -> Finding | None:
    c = crash(facts)
    where = c.frames if c is not None else []
    m = PARTIAL.search(c.detail) if c is not None else None
    if m is None or not where:
        return None
    place = where[-1]
    user = ws.relative_to(place.path, facts.root)
    shadow = _named_like_stdlib(facts, where, m["module"])
    if shadow is not None:
        return shadow
    return Finding(
        f"'{m['module']}' is still being imported when {user} line {place.line} uses {m['module']}.{m['attr']}: "
        f"the modules import each other (a circular import). Move what both need into a third module, or import "
        f"inside the function that uses it.",
        place,
    )


def circular_import(facts: Facts) -> Finding | None:
    c = crash(facts)
    where = c.frames if c is not None else []
    m = CIRCULAR.search(c.detail) if c is not None else None
    if m is None or len(where) < 2:
        return None
    return _named_like_stdlib(facts, where, m["module"]) or _cycle(facts, where, m)


# right on 0 of the 3 unseen cases it spoke on (probation.py)
@on_probation("which import of the cycle should move is the program's design")
def _cycle(facts: Facts, where: list[ws.Place], m: re.Match[str]) -> Finding:
    """Which two imports close the cycle: the traceback's last two frames."""
    place, back = where[-1], where[-2]
    closer = ws.relative_to(place.path, facts.root)
    opener = ws.relative_to(back.path, facts.root)
    ran = re.search(r"python[\d.]*\s+(?:-\S+\s+)*(?P<script>[\w./-]+)\.py\b", facts.memo.get("command", ""))
    main = Path(ran["script"]).name if ran else ""
    if main and place.path.stem == main and _imports(facts, back, main):
        # the module imports the script that was run: Python loads that file twice (as __main__ and as itself)
        return Finding(
            f"{opener} line {back.line} imports {main}, the script you ran: Python loads {main}.py a second time "
            f"under the name '{main}', and that copy imports {m['name']} from {closer} while {closer} is still "
            f"loading (a circular import). Move what {opener} needs from {main}.py into its own module and import "
            "it from there in both.",
            back,
        )
    return Finding(
        f"A circular import: {opener} line {back.line} imports {closer}, and {closer} line {place.line} imports "
        f"{m['name']} back from {m['module']} while {m['module']} is still loading, before {m['name']} is defined. "
        f"Move what both need into a third module, or import inside the function that uses it.",
        place,
    )
