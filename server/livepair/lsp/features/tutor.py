"""Tutor mode's commands and code actions: livepair.setMode, livepair.hint, livepair.showFix,
livepair.whatDidILearn, livepair.clearLearningLog; "Give me a hint" / "Show me the fix" on a problem's line."""

from __future__ import annotations

from typing import Any

from lsprotocol import types as lsp

from livepair.config import parse_settings
from livepair.lsp import inbound
from livepair.lsp.errors import RequestFailed
from livepair.lsp.inbound import PayloadError
from livepair.lsp.server import LivePairServer
from livepair.session.learning_log import LearningLog
from livepair.session.tutor import CMD_HINT, CMD_SHOW_FIX

CMD_SET_MODE = "livepair.setMode"
CMD_WHAT_DID_I_LEARN = "livepair.whatDidILearn"
CMD_CLEAR_LEARNING_LOG = "livepair.clearLearningLog"


def code_actions(ls: LivePairServer, uri: str, first: int, last: int) -> list[lsp.CodeAction]:
    """Commands, no edit, until the learner asks for the fix (then the verified quick fix is offered instead)."""
    tutor = ls.session.teaching.tutor if ls.session is not None and ls.session.active else None
    problem = tutor.open_at(uri, first, last) if tutor is not None else None
    if problem is None:
        return []
    args: list[Any] = [uri, problem.line]
    return [
        lsp.CodeAction(
            title=title, kind=lsp.CodeActionKind.QuickFix, command=lsp.Command(title=title, command=cmd, arguments=args)
        )
        for title, cmd in (("Give me a hint", CMD_HINT), ("Show me the fix", CMD_SHOW_FIX))
    ]


def _target(args: tuple[Any, ...]) -> tuple[str | None, int | None]:
    if not args:
        return None, None  # the latest problem
    if len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], int) and not isinstance(args[1], bool):
        return args[0], args[1]
    raise PayloadError("expected [uri, line] (0-based line) or no arguments")


def _log(ls: LivePairServer) -> LearningLog:
    tutor = ls.session.teaching.tutor if ls.session is not None else None
    return tutor.log if tutor is not None else LearningLog()


def register(server: LivePairServer) -> None:
    @server.command(CMD_SET_MODE)
    def set_mode(ls: LivePairServer, *args: Any) -> dict[str, Any]:
        raw = inbound.plain(args[0]) if args else None
        raw = {"mode": raw} if isinstance(raw, str) else raw
        if not isinstance(raw, dict) or not raw.get("mode"):
            raise PayloadError("livepair.setMode needs {mode: 'pair' | 'tutor', learnerLevel?}")
        wanted = {k: raw[k] for k in ("mode", "learnerLevel") if k in raw}
        settings, warnings = parse_settings(wanted, ls.settings)
        if warnings:
            raise PayloadError(" ".join(warnings))
        ls.apply_settings(settings, [])
        return {"mode": settings.mode, "learnerLevel": settings.learner_level}

    @server.command(CMD_HINT)
    def hint(ls: LivePairServer, *args: Any) -> dict[str, Any]:
        return _ask(ls, "hint", args)

    @server.command(CMD_SHOW_FIX)
    def show_fix(ls: LivePairServer, *args: Any) -> dict[str, Any]:
        return _ask(ls, "fix", args)

    @server.command(CMD_WHAT_DID_I_LEARN)
    def what_did_i_learn(ls: LivePairServer, *args: Any) -> dict[str, Any]:
        log = _log(ls)
        markdown = log.recap()
        ls.face.show(markdown)  # a plain client reads it as a message; the extension opens the Markdown
        return {"markdown": markdown, "path": str(log.path)}

    @server.command(CMD_CLEAR_LEARNING_LOG)
    def clear_learning_log(ls: LivePairServer, *args: Any) -> dict[str, Any]:
        log = _log(ls)
        log.clear()
        return {"ok": True, "path": str(log.path)}


def _ask(ls: LivePairServer, action: str, args: tuple[Any, ...]) -> dict[str, Any]:
    uri, line = _target(args)
    if ls.session is None or not ls.session.active:
        raise RequestFailed("No LivePair session is running: start one with 'Pair with senior dev'.")
    ls.session.teaching.ask("fix" if action == "fix" else "hint", uri, line)
    return {"ok": True}
