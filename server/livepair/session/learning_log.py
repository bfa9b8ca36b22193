"""The learner's private record (tutor mode): concepts met, hints used, problems fixed alone or with the fix.

JSON lines in the state directory (state.py), on this machine only: nothing here is ever put in a context digest,
a tool reply or a prompt; only the recap (`recap`) goes to the learner's own editor.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from livepair.state import JsonLines, state_dir

log = logging.getLogger(__name__)
MAX_BYTES = 2_000_000
Event = Literal["met", "hint", "fix", "solved"]


def log_path() -> Path:
    return state_dir() / "learning.jsonl"


class LearningLog:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or log_path()
        self.session = uuid.uuid4().hex[:12]
        self._out = JsonLines(self.path, MAX_BYTES, "the learning log")

    def record(self, event: Event, concept: str, **more: Any) -> None:
        self._out.append({"session": self.session, "event": event, "concept": concept, **more}, ascii_only=False)

    def read(self) -> list[dict[str, Any]]:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return []
        records: list[dict[str, Any]] = []
        for line in lines:
            try:
                item = json.loads(line)
            except ValueError:
                continue  # a line cut short by a crash: the rest is still the learner's
            if isinstance(item, dict) and isinstance(item.get("concept"), str):
                records.append(item)
        return records

    def clear(self) -> None:
        self._out.close()
        for path in (self.path, self.path.with_name(self.path.name + ".1")):
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                log.warning("cannot clear the learning log %s: %s", path, exc)

    def recap(self) -> str:
        """What the learner met, this session and overall, as Markdown."""
        records = self.read()
        mine = [r for r in records if r.get("session") == self.session]
        parts = ["# What did I learn?", "", "## This session", "", *_section(mine), "", "## Overall", ""]
        parts += _section(records)
        parts += ["", f"_Kept only on this machine: {self.path}. Never sent to the model._"]
        return "\n".join(parts) + "\n"

    def close(self) -> None:
        self._out.close()


@dataclass
class _Tally:
    source: str = ""
    met: int = 0
    hints: int = 0
    fixes: int = 0
    alone: int = 0
    levels: Counter[int] = field(default_factory=Counter)


def _section(records: list[dict[str, Any]]) -> list[str]:
    tallies: dict[str, _Tally] = {}
    for r in records:
        t = tallies.setdefault(r["concept"], _Tally())
        t.source = t.source or str(r.get("source") or "")
        match r.get("event"):
            case "met":
                t.met += 1
            case "hint":
                t.hints += 1
            case "fix":
                t.fixes += 1
            case "solved" if r.get("alone"):
                t.alone += 1
            case _:
                pass
    if not tallies:
        return ["Nothing yet: when a run fails in tutor mode, the concepts you meet are listed here."]
    alone = sum(t.alone for t in tallies.values())
    lines = [f"{_count(len(tallies), 'concept')} met; fixed alone {_count(alone, 'time')}.", ""]
    for name, t in tallies.items():
        title = f"[{name}]({t.source})" if t.source else name
        lines.append(f"- **{title}**: met {t.met}×, hints used {t.hints}, fixed alone {t.alone}×, fix shown {t.fixes}×")
    return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
