"""What one model turn says, gathered until the turn ends: its words (as text or as the transcript of its speech),
whether one of its tool calls put advice on a line, and the web sources that ground it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# Ends the words of a reply the connection dropped in the middle of: said so, never glued to the next reply.
CUT_OFF_MARK = "[cut off: the connection dropped]"


@dataclass(frozen=True)
class EndedTurn:
    text: str  # stripped; "" when the turn said nothing
    placed: bool  # a tool call of this turn put advice on a line
    links: tuple[tuple[str, str], ...]  # (title, url), each once, in the order they came
    queries: tuple[str, ...]  # the search queries behind them, redacted


class ModelTurn:
    def __init__(self) -> None:
        self._text: list[str] = []
        self._placed = False
        self._links: list[tuple[str, str]] = []
        self._queries: list[str] = []

    def _clear(self) -> None:
        self._text, self._placed, self._links, self._queries = [], False, [], []

    def said(self, text: str) -> None:
        self._text.append(text)

    def placed_advice(self) -> None:
        self._placed = True

    def grounded(self, links: tuple[tuple[str, str], ...], queries: tuple[str, ...]) -> None:
        self._links += [link for link in links if link not in self._links]
        self._queries += [q for q in queries if q not in self._queries]

    def end(self, cut_off: bool, redact: Callable[[str], str]) -> EndedTurn:
        """What the turn said, and a fresh start for the next one."""
        text = "".join(self._text).strip()
        if text and cut_off:
            text += f" {CUT_OFF_MARK}"
        ended = EndedTurn(text, self._placed, tuple(self._links), tuple(redact(q) for q in self._queries))
        self._clear()
        return ended
