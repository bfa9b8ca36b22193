"""Hover on another tool's diagnostic: the senior dev's explanation, asked for on demand.

On a line with only LivePair's own hint there is no hover in VS Code: it already shows that diagnostic (message
and quick fix) when the pointer is over it, and a second copy would only repeat it. Other editors' hovers (Neovim's
`K`, Helix's space-k) show only what the server answers, so there the hint's explanation is the answer.
"""

from __future__ import annotations

import asyncio

from lsprotocol import types as lsp

from livepair.advice.store import SOURCE, diagnostic_key
from livepair.lsp.client import shows_own_hints_on_hover
from livepair.lsp.inbound import to_position
from livepair.lsp.server import LivePairServer
from livepair.model import Diagnostic, Range

THINKING = "**LivePair** is thinking… the explanation will appear on this line as a hint."
NOT_PAIRING = "**LivePair**: press *Pair with senior dev* to get an explanation of this problem."


def _on_line(diags: list[Diagnostic], line: int) -> list[Diagnostic]:
    return [d for d in diags if d.range.start.line <= line <= d.range.end.line]


def _hover(markdown: str) -> lsp.Hover:
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=markdown))


def register(server: LivePairServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    async def hover(ls: LivePairServer, params: lsp.HoverParams) -> lsp.Hover | None:
        uri, line = params.text_document.uri, params.position.line
        theirs = _on_line(ls.context.diagnostics.get(uri, []), line)
        explanation = ls.advice.explanation(uri, line)
        if not theirs and not (explanation and shows_own_hints_on_hover(ls)):
            return None  # nothing to explain, or only LivePair's own hint, which VS Code's hover already shows
        if explanation:
            at = to_position(params.position)
            fixes = ls.advice.fixes(uri, Range(at, at))
            more = f"\n\n*Quick fix:* {fixes[0].fix.title}" if fixes and fixes[0].fix else ""
            return _hover(f"**LivePair** — {explanation}{more}")
        session = ls.session
        if session is None or not session.active:
            return _hover(NOT_PAIRING)
        target = min(theirs, key=lambda d: int(d.severity or 1))
        key = diagnostic_key(uri, target)
        fut, first = ls.advice.wait_explanation(key, uri, target.range.start.line)
        if first:
            session.explain(uri, target)
        # Bounded wait; a late answer still lands as a hint on the line (and in the next hover).
        await asyncio.wait({fut}, timeout=ls.settings.hover_wait_ms / 1000)
        if fut.done() and not fut.cancelled():
            return _hover(f"**LivePair** — {fut.result()}")
        return _hover(THINKING)


__all__ = ["SOURCE", "register"]
