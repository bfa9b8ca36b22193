"""Advice items keyed by document and line -> diagnostics, hover explanations and quick fixes (lsp/ sends them).

An advice item remembers the text of the line it was written for; when that line changes the advice is stale and
is dropped (or follows the line if it merely moved), so the editor never shows an explanation for code that is gone.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from livepair.model import Diagnostic, DiagnosticSeverity, Position, Range

Severity = Literal["error", "warning", "info", "hint"]
SOURCE = "LivePair"
MAX_GONE = 20  # advice dropped with its line, per document, kept to come back on an undo
RELOCATE_RADIUS = 50  # lines an advice item may follow its code when lines are inserted above it
HEADLINE_CHARS = 60  # the inline hint: the cause, short enough to stay on screen at 1280 px
ABSOLUTE_PATH = re.compile(r"\s(?:in|at|under|of)?\s?(?<![\w.'\"])/(?:[\w.@+-]+/)*[\w.@+-]+/?(?=[\s.,;:)]|$)")
DIAGNOSTIC_SEVERITY = {
    "error": DiagnosticSeverity.ERROR,
    "warning": DiagnosticSeverity.WARNING,
    "info": DiagnosticSeverity.INFORMATION,
    "hint": DiagnosticSeverity.HINT,
}


@dataclass
class Fix:
    title: str
    range: Range
    new_text: str


@dataclass
class Advice:
    id: str
    uri: str
    line: int  # 0-based
    message: str
    severity: Severity = "info"
    line_text: str = ""
    fix: Fix | None = None
    spoken: bool = False
    remark: bool = True  # the message is a remark about the line, not just its fix's explanation
    note: bool = False  # the daemon's own remark (a fix not offered): the model's remark on the line replaces it
    cause: str = ""  # the author's headline (the cause, written where it is known); else the message's first clause

    @property
    def headline(self) -> str:
        """The author's cause whole when it fits; otherwise the one cut of the message (or of a long cause)."""
        cause = " ".join(self.cause.split())
        return cause if 0 < len(cause) <= HEADLINE_CHARS else headline(cause or self.message)

    def diagnostic(self) -> Diagnostic:
        end = max(len(self.line_text), 1)
        return Diagnostic(
            range=Range(Position(self.line, 0), Position(self.line, end)),
            message=self.message,
            severity=DIAGNOSTIC_SEVERITY[self.severity],
            source=SOURCE,
            code="fix" if self.fix else None,
            data={"adviceId": self.id, "headline": self.headline},
        )


def diagnostic_key(uri: str, d: Diagnostic) -> str:
    """Identity of a diagnostic across re-publishes: same place, source, code and message."""
    raw = f"{uri}\0{d.range.start.line}\0{d.source}\0{d.code}\0{d.message}"
    return hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()


@dataclass
class _Pending:
    uri: str
    line: int
    waiters: list[asyncio.Future[str]] = field(default_factory=list)


class AdviceStore:
    def __init__(self, line_text: Callable[[str, int], str | None]) -> None:
        self._line_text = line_text
        self._items: dict[str, dict[str, Advice]] = {}  # uri -> id -> advice
        self._gone: dict[str, list[Advice]] = {}  # uri -> advice dropped because its line changed, newest last
        self._ids = itertools.count(1)
        self._pending: dict[str, _Pending] = {}  # diagnostic key -> waiting hovers

    # -- writes -----------------------------------------------------------------------------------
    def annotate(
        self, uri: str, line: int, message: str, severity: Severity = "info", fix: Fix | None = None, cause: str = ""
    ) -> Advice:
        """Advice on a line. One item per line, one card per finding: a newer remark replaces the older one under
        the same id (keeping its fix, and the worse severity: a crash stays an error when its fix arrives), and a
        remark and a fix for the same line are one diagnostic (not two entries in the Problems panel)."""
        remark = fix is None
        per_doc = self._items.setdefault(uri, {})
        old = next((a for a in per_doc.values() if a.line == line), None)
        advice_id = f"a{next(self._ids)}"
        if old is not None:
            del per_doc[old.id]
            advice_id = old.id
            if not remark and old.remark:  # the remark stays; the fix joins it
                message, severity, remark, cause = old.message, old.severity, True, old.cause
            fix = fix or old.fix
        text = self._line_text(uri, line) or ""
        item = Advice(advice_id, uri, line, message.strip(), severity, text, fix, remark=remark, cause=cause.strip())
        per_doc[item.id] = item
        self._resolve_pending(uri, line, item.message)
        return item

    def note(self, uri: str, line: int, message: str) -> Advice:
        """The daemon's own remark (a fix it did not offer, and why): it never displaces the model's remark on
        that line, whichever came first, so concurrent tool calls end the same way every time."""
        existing = next((a for a in self._items.get(uri, {}).values() if a.line == line and a.remark), None)
        if existing is not None and not existing.note:
            return existing
        item = self.annotate(uri, line, message, "info")
        item.note = True
        return item

    def propose_fix(self, uri: str, rng: Range, new_text: str, explanation: str) -> Advice:
        fix = Fix(title=f"LivePair: {_first_sentence(explanation)}", range=rng, new_text=new_text)
        return self.annotate(uri, self._first_changed_line(uri, rng, new_text), explanation, "info", fix=fix)

    def _first_changed_line(self, uri: str, rng: Range, new_text: str) -> int:
        """Where a fix belongs: the first line it really changes (one that adds an import above starts there)."""
        kept = set(new_text.splitlines())
        for line in range(rng.start.line, max(rng.end.line, rng.start.line + 1)):
            text = self._line_text(uri, line)
            if text is not None and text not in kept:
                return line
        return rng.start.line

    def document_changed(self, uri: str) -> bool:
        """Drop or move advice whose line changed, bring back advice whose line came back (an undo); True if
        anything did."""
        per_doc = self._items.get(uri)
        changed = self._restore(uri)
        if not per_doc:
            return changed
        for item in list(per_doc.values()):
            if self._line_text(uri, item.line) == item.line_text:
                continue
            changed = True
            moved = self._find_line(uri, item.line, item.line_text)
            if moved is None:
                del per_doc[item.id]
                gone = self._gone.setdefault(uri, [])
                gone.append(item)
                del gone[:-MAX_GONE]
                continue
            delta = moved - item.line
            item.line = moved
            if item.fix:
                r = item.fix.range
                item.fix.range = Range(
                    Position(r.start.line + delta, r.start.character),
                    Position(r.end.line + delta, r.end.character),
                )
        return changed

    def _restore(self, uri: str) -> bool:
        """Advice dropped with its line returns when that exact line is back where it was and has no advice."""
        gone = self._gone.get(uri)
        if not gone:
            return False
        per_doc = self._items.setdefault(uri, {})
        back = [
            a
            for a in gone
            if self._line_text(uri, a.line) == a.line_text and not any(b.line == a.line for b in per_doc.values())
        ]
        for item in back:
            gone.remove(item)
            per_doc[item.id] = item
        return bool(back)

    def remove(self, advice_id: str) -> str | None:
        """Retract one item; returns its URI if it existed."""
        for gone in self._gone.values():
            gone[:] = [a for a in gone if a.id != advice_id]
        for uri, per_doc in self._items.items():
            if per_doc.pop(advice_id, None) is not None:
                return uri
        return None

    def clear(self, uri: str | None = None) -> list[str]:
        """Remove advice (all, or one document's); returns the URIs that had some."""
        uris = [uri] if uri else list(self._items)
        for u in uris:
            self._items.pop(u, None)
            self._gone.pop(u, None)
        return uris

    # -- reads ------------------------------------------------------------------------------------
    def line_text(self, uri: str, line: int) -> str | None:
        return self._line_text(uri, line)

    def items(self, uri: str) -> list[Advice]:
        return sorted(self._items.get(uri, {}).values(), key=lambda a: (a.line, a.id))

    def uris(self) -> list[str]:
        return list(self._items)

    def diagnostics(self, uri: str) -> list[Diagnostic]:
        return [a.diagnostic() for a in self.items(uri)]

    def explanation(self, uri: str, line: int) -> str | None:
        """The model's latest word on a line (explanations are per line: they explain every diagnostic there)."""
        on_line = [a for a in self.items(uri) if a.line == line]
        return on_line[-1].message if on_line else None

    def on_line(self, uri: str, line: int) -> Advice | None:
        on_line = [a for a in self.items(uri) if a.line == line]
        return on_line[-1] if on_line else None

    def fixes(self, uri: str, rng: Range) -> list[Advice]:
        """The fixes of the findings shown on the lines of `rng`: a fix belongs to the line its hint is on, not to
        every line its edit touches (a key fix that adds an import above is not offered on the lines between)."""
        last = rng.end.line if rng.end.character > 0 or rng.end.line == rng.start.line else rng.end.line - 1
        return [a for a in self.items(uri) if a.fix and rng.start.line <= a.line <= max(last, rng.start.line)]

    # -- hovers waiting for an explanation ----------------------------------------------------------
    def expect(self, key: str, uri: str, line: int) -> bool:
        """Note that an explanation of a diagnostic was asked for; True if nobody had asked yet."""
        if key in self._pending:
            return False
        self._pending[key] = _Pending(uri, line)
        return True

    def wait_explanation(self, key: str, uri: str, line: int) -> tuple[asyncio.Future[str], bool]:
        """A future for the explanation of a diagnostic; the bool says whether it is the first request."""
        fut: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        first = self.expect(key, uri, line)
        self._pending[key].waiters.append(fut)
        return fut, first

    def explain_from_reply(self, key: str, text: str) -> Advice | None:
        """The model answered an explain request in prose instead of with a tool call: attach it as advice."""
        pending = self._pending.get(key)
        if pending is None or not text.strip():
            return None
        return self.annotate(pending.uri, pending.line, text, "info")

    def abandon(self, key: str) -> None:
        pending = self._pending.pop(key, None)
        for fut in pending.waiters if pending else []:
            fut.cancel()

    def pending_keys(self) -> list[str]:
        return list(self._pending)

    def _resolve_pending(self, uri: str, line: int, message: str) -> None:
        for key, pending in list(self._pending.items()):
            if pending.uri == uri and pending.line == line:
                del self._pending[key]
                for fut in pending.waiters:
                    if not fut.done():
                        fut.set_result(message)

    def _find_line(self, uri: str, near: int, text: str) -> int | None:
        if not text.strip():
            return None
        for delta in range(1, RELOCATE_RADIUS + 1):
            for line in (near + delta, near - delta):
                if line >= 0 and self._line_text(uri, line) == text:
                    return line
        return None


def headline(message: str, limit: int = HEADLINE_CHARS) -> str:
    """The cause in a few words: the message's first sentence (or clause), cut at a word to `limit` characters."""
    text = ABSOLUTE_PATH.sub("", " ".join(message.split()))  # the place is the line itself; paths crowd the cause
    first = re.split(r"(?<=[.!?])\s|;\s|\s[—–]\s", text, maxsplit=1)[0].strip().rstrip(".")
    if len(first) <= limit:
        return first
    cut = first[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 0.6 else cut).rstrip(" ,;:") + "…"


def _first_sentence(text: str, limit: int = 70) -> str:
    """A fix's title: its explanation's first sentence; a closing remark in brackets (how it was checked) goes
    before the words are cut, so the title says what the fix does, whole."""
    head = text.strip().split("\n", 1)[0].split(". ", 1)[0].rstrip(".")
    if len(head) > limit:
        head = re.sub(r"\s*\([^()]*\)$", "", head)
    return head if len(head) <= limit else head[: limit - 1] + "…"
