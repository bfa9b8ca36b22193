"""The offline advisor's answer to a typed question: what it knows (the last failure and its cause, the findings
in the file in view), and plainly what it cannot do. No conversation: a question about one hint ("Tell me more
about the hint on f.py:8") gets that finding's longer explanation; any other question gets what it knows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from livepair.backends.offline.enrich import Finding
from livepair.model import TerminalRun

CANNOT = (
    "I'm the offline advisor: I explain failed runs and the problems I find in your files, "
    "but I can't hold a conversation or answer other questions. For that, set a Gemini API key."
)
NOTHING_KNOWN = "No run has failed yet and I found nothing to flag in the file you are looking at."
HINT_QUESTION = re.compile(r"\bhint on (?P<path>[^\s:]+):(?P<line>\d+)\b")
MAX_FINDINGS = 5


@dataclass(frozen=True)
class Known:
    """What the advisor has in hand when asked: the last failed run and what it means, the file in view."""

    root: Path
    run: TerminalRun | None = None
    run_finding: Finding | None = None
    file: Path | None = None  # the document in view
    file_findings: tuple[Finding, ...] = ()


def answer(question: str, known: Known) -> str:
    asked = HINT_QUESTION.search(question)
    if asked is not None:
        found = _finding_at(known, asked["path"], int(asked["line"]))
        if found is not None:
            return f"{_longer(found, known.root)} {CANNOT}"
    parts = [_run_part(known), _file_part(known)]
    said = " ".join(p for p in parts if p) or NOTHING_KNOWN
    return f"{said} {CANNOT}"


def _finding_at(known: Known, path: str, line: int) -> Finding | None:
    candidates = ([known.run_finding] if known.run_finding else []) + list(known.file_findings)
    for found in candidates:
        if found.place is not None and found.place.line == line and _rel(found.place.path, known.root) == path:
            return found
    return None


def _longer(found: Finding, root: Path) -> str:
    """The finding's whole explanation, with where it is, and what the fix changes and why."""
    where = f"{_rel(found.place.path, root)}:{found.place.line}" if found.place else "this"
    text = f"About {where}: {found.message}"
    if found.fix is not None:
        lines = found.fix.new_text.rstrip("\n").splitlines()
        span = (
            f"line {found.fix.start_line}"
            if found.fix.start_line == found.fix.end_line
            else f"lines {found.fix.start_line}-{found.fix.end_line}"
        )
        text += (
            f" The quick fix rewrites {span} ({found.fix.explanation.rstrip('.')}): "
            f"{' / '.join(ln.strip() for ln in lines if ln.strip())}."
        )
    return text


def _run_part(known: Known) -> str:
    if known.run is None or not known.run.failed:
        return ""
    last = next((ln.strip() for ln in reversed(known.run.output.splitlines()) if ln.strip()), "")
    said = f"Your last run, `{known.run.command}`, failed" + (f" with {last}" if last else "") + "."
    if known.run_finding is not None:
        said += f" {_longer(known.run_finding, known.root)}"
    else:
        said += " I have no explanation of that failure offline."
    return said


def _file_part(known: Known) -> str:
    if known.file is None:
        return ""
    findings = [f for f in known.file_findings if f != known.run_finding][:MAX_FINDINGS]
    if not findings:
        return ""
    name = _rel(known.file, known.root)
    listed = " ".join(f"Line {f.place.line if f.place else '?'}: {f.message}" for f in findings)
    return f"In {name} I also see — {listed}"


def _rel(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
