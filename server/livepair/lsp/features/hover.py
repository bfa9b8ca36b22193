"""Hover: on a LivePair hint, its explanation (why, the evidence, the fix, "Tell me more"); on another tool's
diagnostic, the senior dev's explanation, asked for on demand.

VS Code's hover already shows our diagnostic's message and quick fix, so there the hover adds only what it lacks
(the evidence, the fix's text, "Tell me more"); other editors' hovers (Neovim's `K`, Helix's space-k) show only what
the server answers, so there the hint's whole explanation is the answer.
"""

from __future__ import annotations

import asyncio

from lsprotocol import types as lsp

from livepair.advice.explain import hover_markdown, run_evidence, tell_me_more_question
from livepair.advice.store import SOURCE, diagnostic_key
from livepair.lsp.client import NEOVIM, VSCODE, shows_own_hints_on_hover
from livepair.lsp.server import LivePairServer
from livepair.model import Diagnostic

THINKING = "**LivePair** is thinking… the explanation will appear on this line as a hint."
NOT_PAIRING = "**LivePair**: press *Pair with senior dev* to get an explanation of this problem."


def _on_line(diags: list[Diagnostic], line: int) -> list[Diagnostic]:
    return [d for d in diags if d.range.start.line <= line <= d.range.end.line]


def _hover(markdown: str) -> lsp.Hover:
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=markdown))


def _explained(ls: LivePairServer, uri: str, line: int, theirs: bool) -> lsp.Hover | None:
    """The hover of a line with LivePair's advice: the explanation (unless the editor's own hover already shows it
    as our diagnostic, alone on the line), the evidence, the fix, "Tell me more"."""
    ours = ls.advice.on_line(uri, line)
    if ours is None:
        return None
    where = f"{ls.context.relative(uri)}:{line + 1}"
    run = run_evidence(ls.context.last_run(), ls.context.relative(uri), line + 1)
    repeat = shows_own_hints_on_hover(ls) or theirs  # it explains another tool's problem: say it with that one
    md = hover_markdown(
        ours,
        where,
        ls.advice.line_text(uri, line),
        run,
        repeat_message=repeat,
        command_links=ls.client == VSCODE,
        tell_me_more="`:LivePairExplain` on this line" if ls.client == NEOVIM else None,
    )
    return _hover(md)


def tell_me_more_at_cursor(ls: LivePairServer) -> str | None:
    """The question "Tell me more" asks about the LivePair hint at the cursor, when no other problem is there."""
    ed = ls.context.editor
    if ed.uri is None:
        return None
    line = ed.selection.start.line if ed.selection else 0
    ours = ls.advice.on_line(ed.uri, line)
    theirs = [d for d in _on_line(ls.context.diagnostics.get(ed.uri, []), line) if d.source != SOURCE]
    if ours is None or theirs:
        return None
    return tell_me_more_question(f"{ls.context.relative(ed.uri)}:{line + 1}", ours)


def register(server: LivePairServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    async def hover(ls: LivePairServer, params: lsp.HoverParams) -> lsp.Hover | None:
        uri, line = params.text_document.uri, params.position.line
        theirs = [d for d in _on_line(ls.context.diagnostics.get(uri, []), line) if d.source != SOURCE]
        if (found := _explained(ls, uri, line, bool(theirs))) is not None:
            return found
        if not theirs:
            return None
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
            return _explained(ls, uri, line, True) or _hover(f"**LivePair** — {fut.result()}")
        return _hover(THINKING)


__all__ = ["SOURCE", "register"]
