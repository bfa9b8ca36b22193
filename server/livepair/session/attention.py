"""The senior dev looks at a failure by itself.

A failed terminal run or a new error diagnostic becomes one request to the backend (`Backend.notice_failure`,
redacted): once per problem, and never while the user speaks or types — a language server's errors on a
half-typed line are not worth a word, and an interruption mid-sentence is rude. Whether the answer is heard is the
proactivity dial's call (the voice controller's `RemarkPolicy`); the hint lands on the line either way.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from livepair.advice.store import diagnostic_key
from livepair.backends.backend import Failure
from livepair.context.digest import format_diagnostic
from livepair.context.redact import Redactor
from livepair.context.store import ContextStore
from livepair.model import Diagnostic, DiagnosticSeverity, TerminalRun
from livepair.session.prompt import error_request, failure_request

TYPING_QUIET_S = 1.5  # after the last keystroke; errors while typing are often the line being written
MAX_PENDING = 8
RUN_TEXT_LINES = 40  # the tail of the output that goes with a failed run


class Attention:
    def __init__(
        self,
        context: ContextStore,
        redactor: Redactor,
        busy: Callable[[], bool],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ctx = context
        self._redactor = redactor
        self._busy = busy  # the user speaks or holds push-to-talk
        self._clock = clock
        self._typed_at = float("-inf")
        self._seen: set[str] = set()
        self._pending: deque[tuple[Failure, str | None]] = deque(maxlen=MAX_PENDING)  # (failure, uri of an error)

    def seen_now(self) -> None:
        """What is in the editor now is not news (the session starts: only new errors are raised)."""
        for uri, diagnostics in list(self._ctx.diagnostics.items()):
            self._seen.update(diagnostic_key(uri, d) for d in diagnostics)

    def typed(self) -> None:
        self._typed_at = self._clock()

    def run_finished(self, run: TerminalRun) -> None:
        if not run.failed:
            return
        tail = "\n".join(run.output.splitlines()[-RUN_TEXT_LINES:])
        last = next((ln.strip() for ln in reversed(tail.splitlines()) if ln.strip()), "")
        key = f"run\0{run.command}\0{last}"  # the same command failing the same way is the same problem
        text = self._redactor.redact(f"$ {run.command}\n(exit code {run.exit_code})\n{tail}")
        self._add(Failure(key, failure_request(text), run), None)

    def diagnostics_changed(self, uri: str, diagnostics: tuple[Diagnostic, ...]) -> None:
        """A document's diagnostics now: each error not seen before is a failure to look at."""
        for d in diagnostics:
            if d.severity == DiagnosticSeverity.ERROR:
                name = self._ctx.relative(uri)
                line = self._line(uri, d.range.start.line)
                prompt = error_request(format_diagnostic(name, d), line)
                self._add(Failure(diagnostic_key(uri, d), self._redactor.redact(prompt)), uri)

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    def due(self) -> Failure | None:
        """The next failure to raise now, or None (nothing pending, or the user is busy)."""
        if not self._pending or self._busy() or self._clock() - self._typed_at < TYPING_QUIET_S:
            return None
        failure, uri = self._pending.popleft()
        if uri is not None and not self._still_there(uri, failure.key):
            return self.due()  # fixed while the user typed: nothing to say
        return failure

    def _add(self, failure: Failure, uri: str | None) -> None:
        if failure.key not in self._seen:
            self._seen.add(failure.key)
            self._pending.append((failure, uri))

    def _still_there(self, uri: str, key: str) -> bool:
        return any(diagnostic_key(uri, d) == key for d in self._ctx.diagnostics.get(uri, []))

    def _line(self, uri: str, line: int) -> str:
        lines = (self._ctx.text(uri) or "").splitlines()
        return lines[line] if 0 <= line < len(lines) else ""
