"""What every Python detector starts from, worked out once per failed run: the error, the traceback's frames in
the workspace, the crash frame's file and its AST; and how a detector's finding with a patched file is made.

The py_*.py detectors share these instead of each locating the frame again (one run asks ~35 detectors), and the
answers are kept on the run's Facts (`Facts.memo`), so they live exactly as long as one piece of advice.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from livepair.backends.offline import flow
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.edits import line_of
from livepair.backends.offline.enrich import Facts, Finding, Proposal, checked

ERROR = re.compile(r"^(?:[\w.]+\.)?(?P<kind>\w+(?:Error|Exception|Warning)|StopIteration)(?:: (?P<detail>.*))?$", re.M)
TRACEBACK = "Traceback (most recent call last)"
Detector = Callable[[Facts], Finding | None]


@functools.lru_cache(maxsize=64)
def error(output: str) -> tuple[str, str] | None:
    """The last exception line of the output: (its kind, its detail)."""
    found = list(ERROR.finditer(output))
    if not found:
        return None
    last = found[-1]
    return last["kind"], last["detail"] or ""


def frames(facts: Facts) -> list[ws.Place]:
    """Traceback frames that point into the workspace, outermost first."""
    cached = facts.memo.get("frames")
    if cached is None:
        root = facts.root.resolve()
        cached = []
        for m in ws.FRAME.finditer(facts.output):
            path = (facts.cwd / m["file"]).resolve()
            if (root == path or root in path.parents) and path.is_file():
                cached.append(ws.Place(path, int(m["line"])))
        facts.memo["frames"] = cached
    return list(cached)


def read_frame(facts: Facts, place: ws.Place) -> tuple[str, str] | None:
    """The file of a frame and the frame's line."""
    text = facts.read(place.path)
    if text is None:
        return None
    return text, line_of(text, place.line) or ""


def parsed_frame(facts: Facts) -> tuple[ws.Place, str, ast.Module] | None:
    """The crash frame (the innermost in the workspace), its file and its AST."""
    if "parsed" not in facts.memo:
        where = frames(facts)
        text = facts.read(where[-1].path) if where else None
        tree = flow.parse(text) if text is not None else None
        facts.memo["parsed"] = (where[-1], text, tree) if where and text is not None and tree is not None else None
    parsed: tuple[ws.Place, str, ast.Module] | None = facts.memo["parsed"]
    return parsed


@dataclass(frozen=True)
class Crash:
    """A Python exception with its innermost workspace frame: what most detectors check first."""

    kind: str
    detail: str
    frames: list[ws.Place]  # in the workspace, outermost first
    text: str  # the crash frame's file ("" when it cannot be read)

    @property
    def place(self) -> ws.Place:
        return self.frames[-1]

    @property
    def code(self) -> str:
        return line_of(self.text, self.place.line) or ""

    @property
    def tree(self) -> ast.Module | None:
        return flow.parse(self.text)


def crash(facts: Facts) -> Crash | None:
    """The run's exception and its crash frame, when both are there."""
    found, where = error(facts.output), frames(facts)
    if found is None or not where:
        return None
    return Crash(found[0], found[1], where, facts.read(where[-1].path) or "")


def written_at(facts: Facts, place: ws.Place, literal: str) -> ws.Place:
    """Where the string `literal` is written: the crash line when it is there, else the one line above it that
    holds it (path = '~/x' ... open(path): the value followed back); the crash line when that is not one line."""
    text = facts.read(place.path) or ""
    quoted = re.compile(rf"""["']{re.escape(literal)}["']""")
    lines = text.splitlines()
    if place.line > len(lines) or quoted.search(lines[place.line - 1]):
        return place
    above = [n for n, code in enumerate(lines[: place.line - 1], 1) if quoted.search(code)]
    return ws.Place(place.path, above[0]) if len(above) == 1 else place


def replace_line(text: str, line: int, new: str) -> str:
    """`text` with line `line` (1-based) replaced by `new`, keeping its line ending."""
    lines = text.splitlines(keepends=True)
    lines[line - 1] = new + ("\n" if lines[line - 1].endswith("\n") else "")
    return "".join(lines)


def proposed(message: str, place: ws.Place, text: str, patched: str | None, why: str, headline: str = "") -> Finding:
    """A finding with the patched file as its fix, checked; without one when the patch changes nothing."""
    if patched is None or patched == text:
        return Finding(message, place, headline=headline)
    return checked(Finding(message, place, None, Proposal(text, patched, why), headline=headline))


def first_finding(detectors: Sequence[Detector], facts: Facts, also: tuple[str, ...] = ()) -> Finding | None:
    """The first detector's finding, on a Python traceback (or output with one of `also`) only."""
    if TRACEBACK not in facts.output and not any(word in facts.output for word in also):
        return None
    for detect in detectors:
        found = detect(facts)
        if found is not None:
            return found
    return None


def lines_in_workspace(facts: Facts, suffixes: set[str], pattern: re.Pattern[str] | str) -> list[tuple[ws.Place, str]]:
    """Every line of the workspace's files with these suffixes that `pattern` finds: its place and its file's text."""
    found = []
    for path in ws.workspace_files(facts.root, suffixes):
        text = facts.read(path) or ""
        found += [(ws.Place(path, n), text) for n, line in enumerate(text.splitlines(), 1) if re.search(pattern, line)]
    return found
