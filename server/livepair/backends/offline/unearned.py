"""Catalogue advice that names one cause where the error fits several: a diagnosis only where the code shows that
cause (then placed where it is), otherwise an honest hint (what the error says, the line, what the advisor could
not tell).

The kind of claim that was wrong first-seen on the blind batches (docs/advisor-first-scores.md): the error's words
matched, the cause the entry names was not the one the program had (a port "taken by an earlier run" that the
program itself had bound; "pass exist_ok=True" to a call that has no such argument).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from livepair.backends.offline import flow, honest
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.catalogue import Match
from livepair.backends.offline.edits import line_of
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.py_crash import frames

MKDIR = re.compile(r"\b(?:mkdir|makedirs)\s*\(")
Check = Callable[[Match, Facts, ws.Place | None], Finding | None]


def _crash_line(facts: Facts, place: ws.Place | None) -> str:
    text = facts.read(place.path) if place is not None else None
    return (line_of(text, place.line) or "") if text is not None and place is not None else ""


def file_exists(m: Match, facts: Facts, place: ws.Place | None) -> Finding | None:
    """exist_ok=True is the fix for mkdir/makedirs only: a rename, link or exclusive open needs something else."""
    if MKDIR.search(_crash_line(facts, place)):
        return None
    path = m.fields.get("path", "")
    return honest.hint(
        f"'{path}' already exists, and this call would not replace it",
        place,
        "whether the existing one should be kept, replaced or given another name: that is the program's choice",
    )


def address_in_use(m: Match, facts: Facts, place: ws.Place | None) -> Finding | None:
    """Which process holds the port the output does not say: an earlier run, another program, or this one twice."""
    return honest.hint(
        "The port this program binds is already taken",
        place,
        "which process holds it (an earlier run still going, another program, or this program binding it twice); "
        "lsof -i :PORT shows it",
    )


def mixed_indentation(m: Match, facts: Facts, place: ws.Place | None) -> Finding | None:
    """Tabs among spaces: the cause is the first of the tab-indented (or space-indented, the fewer) lines nearest
    above the error, which Python may report some lines later; without a mix, the error's own line and words."""
    text = facts.read(place.path) if place is not None else None
    if place is None or text is None:
        return None
    kinds = {n: line[0] for n, line in enumerate(text.splitlines(), 1) if line[:1] in ("\t", " ") and line.strip()}
    tabs = [n for n, k in kinds.items() if k == "\t"]
    spaces = [n for n, k in kinds.items() if k == " "]
    odd = tabs if len(tabs) <= len(spaces) else spaces
    above = [n for n in odd if n <= place.line]
    if not tabs or not spaces or not above:
        return _no_body(m, place) or _off_column(m, text, place)
    first = above[-1]
    while first - 1 in odd:  # the start of that run of lines
        first -= 1
    kind, other = ("tabs", "spaces") if odd is tabs else ("spaces", "tabs")
    return Finding(
        f"Line {first} is indented with {kind}, the lines around it with {other}: Python does not line them up, so "
        f"the indentation levels do not match ({m.fields.get('detail', '')}, reported on line {place.line}). "
        f"Re-indent it with {other} (let the editor convert tabs to spaces).",
        ws.Place(place.path, first),
    )


def _no_body(m: Match, place: ws.Place) -> Finding | None:
    """No tabs among spaces: 'expected an indented block after X on line N' says which line lost its indent."""
    e = re.match(r"expected an indented block after (?P<what>.+?) on line (?P<n>\d+)", m.fields.get("detail", ""))
    if e is None:
        return None
    return Finding(
        f"Line {place.line} is not indented under the {e['what']} on line {e['n']}, so that {e['what']} has no "
        f"body: indent the line(s) that belong to it (4 spaces more than line {e['n']}), or give it a body.",
        place,
    )


def _off_column(m: Match, text: str, place: ws.Place) -> Finding | None:
    """'unindent does not match any outer indentation level' with spaces only: the reported line starts at a
    column no enclosing block starts at (one space too many or too few)."""
    if "unindent does not match" not in m.fields.get("detail", ""):
        return None
    lines = text.splitlines()
    if not 0 < place.line <= len(lines):
        return None
    code = lines[place.line - 1]
    width = len(code) - len(code.lstrip(" "))
    outer = sorted({len(s) - len(s.lstrip(" ")) for s in lines[: place.line - 1] if s.strip()})
    below = [w for w in outer if w < width]
    near = below[-1] if below else 0
    return Finding(
        f"Line {place.line} ({code.strip()[:40]}) starts {width} spaces in, and no block above starts at that "
        f"column (they start at {', '.join(map(str, outer)) or '0'}): it has {width - near} space"
        f"{'s' if width - near != 1 else ''} too many. Line it up with the block it belongs to.",
        place,
    )


def loop_from_plain_code(m: Match, facts: Facts, place: ws.Place | None) -> Finding | None:
    """'no running event loop' raised inside code that plain (not async) code called: the cause is the outermost
    call from plain code, where the loop should have been running, not the line that needed it."""
    where = frames(facts)
    if "no running event loop" not in facts.output or len(where) < 2:
        return None
    outer = where[0]
    text = facts.read(outer.path) or ""
    tree = flow.parse(text)
    inside_async = tree is not None and any(
        isinstance(n, ast.AsyncFunctionDef) and n.lineno <= outer.line <= (n.end_lineno or n.lineno)
        for n in ast.walk(tree)
    )
    if inside_async or place is None:
        return None
    call = (line_of(text, outer.line) or "").strip()
    return Finding(
        f"Line {place.line} needs a running event loop (RuntimeError: no running event loop), and it runs because "
        f"line {outer.line} ({call}) calls it from plain code, outside any loop. Do that inside an async function "
        "(e.g. main()) that asyncio.run(main()) runs.",
        outer,
    )


CHECKS: dict[str, Check] = {
    "file-exists": file_exists,
    "address-in-use": address_in_use,
    "indentation-error": mixed_indentation,
    "asyncio-no-loop": loop_from_plain_code,
}


def check(m: Match, facts: Facts, place: ws.Place | None) -> Finding | None:
    """What the code shows instead of the catalogue's words (its cause, or an honest hint when it shows none);
    None: the catalogue's advice stands."""
    judge = CHECKS.get(m.entry.id)
    return judge(m, facts, place) if judge is not None else None
