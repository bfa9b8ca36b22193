"""workspace/executeCommand: start, stop, ask, explain, toggleScreen, retryNow, toggleMic, pushToTalkStart/End,
showSentLog, showAuditLog, allowedCommands. Start and stop are the server's lifecycle's (lsp/lifecycle.py)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from livepair.config import env_api_key
from livepair.held_secrets import VERTEX_TOKEN_VAR, hold
from livepair.lsp import inbound, protocol
from livepair.lsp.errors import RequestFailed
from livepair.lsp.features.hover import tell_me_more_at_cursor
from livepair.lsp.inbound import PayloadError
from livepair.lsp.limits import MAX_ACCESS_TOKEN_CHARS, MAX_API_KEY_CHARS, MAX_QUESTION_CHARS, too_long
from livepair.lsp.server import LivePairServer
from livepair.model import Diagnostic

if TYPE_CHECKING:  # the session's modules load on `livepair.start`, not at `initialize`
    from livepair.session.session import PairSession
    from livepair.session.voice import VoiceController


SCREEN_ANSWERS = ("monitor", "window", "off")


def _options(args: tuple[Any, ...]) -> dict[str, Any]:
    first = inbound.plain(args[0]) if args else None
    return first if isinstance(first, dict) else {}


def _require_voice(ls: LivePairServer) -> VoiceController:
    voice = _require_session(ls).voice
    if voice is None:
        raise RequestFailed("This session has no voice.")
    return voice


def _require_session(ls: LivePairServer) -> PairSession:
    if ls.session is None or not ls.session.active:
        raise RequestFailed("No LivePair session is running: start one with 'Pair with senior dev'.")
    return ls.session


def register(server: LivePairServer) -> None:
    @server.command(protocol.CMD_START)
    async def start(ls: LivePairServer, *args: Any) -> protocol.StartResult:
        # The key travels only over the stdio pipe from the editor's SecretStorage; it is never stored or logged.
        options = _options(args)
        key = options.get("apiKey")
        if isinstance(key, str) and len(key) > MAX_API_KEY_CHARS:
            raise PayloadError(f"livepair.start: {too_long('apiKey', len(key), MAX_API_KEY_CHARS)}")
        token = options.get("vertexAccessToken")  # Vertex AI's bearer token, handed over like the key
        if token is not None:
            if not isinstance(token, str) or len(token) > MAX_ACCESS_TOKEN_CHARS:
                raise PayloadError(f"livepair.start: 'vertexAccessToken': a string, at most {MAX_ACCESS_TOKEN_CHARS}")
            hold(VERTEX_TOKEN_VAR, token.strip())
        screen = options.get("screen")  # the user's answer to "share your screen?" for this start
        if screen is not None and screen not in SCREEN_ANSWERS:
            raise PayloadError(f"livepair.start: 'screen' must be one of {', '.join(SCREEN_ANSWERS)}")
        settings = dataclasses.replace(ls.settings, screen_share=screen) if screen is not None else None
        return await ls.lifecycle.start(key if isinstance(key, str) and key else env_api_key(), settings)

    @server.command(protocol.CMD_STOP)
    async def stop(ls: LivePairServer, *args: Any) -> dict[str, Any]:
        await ls.lifecycle.stop()
        return {"state": "idle"}

    @server.command(protocol.CMD_ASK)
    def ask(ls: LivePairServer, *args: Any) -> dict[str, Any]:
        question = args[0] if args and isinstance(args[0], str) else _options(args).get("question")
        if not isinstance(question, str) or not question.strip():
            raise PayloadError("livepair.ask needs a question (a non-empty string).")
        question = question.strip()
        if len(question) > MAX_QUESTION_CHARS:
            raise PayloadError(too_long("question", len(question), MAX_QUESTION_CHARS))
        _require_session(ls).ask(question)
        return {"ok": True}

    @server.command(protocol.CMD_EXPLAIN)
    def explain(ls: LivePairServer, *args: Any) -> dict[str, Any]:
        given = _given_target(args)  # bad arguments are reported as such, session or not
        session = _require_session(ls)
        if given is None and (question := tell_me_more_at_cursor(ls)) is not None:
            session.ask(question)  # the line's only problem is our own hint: the senior dev says more about it
            return {"ok": True, "asked": question}
        uri, diagnostic = given or _cursor_target(ls)
        return {"ok": True, "key": session.explain(uri, diagnostic)}

    @server.command(protocol.CMD_TOGGLE_SCREEN)
    def toggle_screen(ls: LivePairServer, *args: Any) -> dict[str, Any]:
        session = _require_session(ls)
        if session.screen is None:
            raise RequestFailed("Screen sharing is off: it needs a Gemini session and livepair.screenEnabled.")
        return {"ok": True, "screen": session.screen.toggle()}  # the status notification follows

    @server.command(protocol.CMD_SHOW_SENT_LOG)
    def show_sent_log(ls: LivePairServer, *args: Any) -> dict[str, Any]:
        from livepair.media.sent_log import ensure

        return {"path": str(ensure())}

    @server.command(protocol.CMD_RETRY_NOW)
    def retry_now(ls: LivePairServer, *args: Any) -> dict[str, Any]:
        if not _require_session(ls).retry_now():
            raise RequestFailed("This session has no connection to retry: it runs on this machine.")
        return {"ok": True}

    @server.command(protocol.CMD_SHOW_AUDIT_LOG)
    def show_audit_log(ls: LivePairServer, *args: Any) -> dict[str, Any]:
        from livepair.session.audit import ensure

        return {"path": str(ensure())}

    @server.command(protocol.CMD_ALLOWED_COMMANDS)
    def allowed_commands(ls: LivePairServer, *args: Any) -> dict[str, Any]:
        """List the commands always allowed in this workspace; {"revoke": cmd} forgets one, {"revoke": null} all."""
        from livepair.session.allowlist import AllowList

        if ls.context.root is None:
            raise RequestFailed("No workspace folder is open: nothing is always allowed.")
        allow, root = AllowList(), ls.context.root
        options = inbound.plain(args[0]) if args else {}
        revoked = 0
        if isinstance(options, dict) and "revoke" in options:
            what = options["revoke"]
            if what is not None and not isinstance(what, str):
                raise PayloadError("'revoke' must be a command line or null (all)")
            revoked = allow.revoke(root, what)
        return {"workspace": str(root), "commands": allow.list(root), "revoked": revoked}

    @server.command(protocol.CMD_TOGGLE_MIC)
    def toggle_mic(ls: LivePairServer, *args: Any) -> dict[str, Any]:
        voice = _require_voice(ls)
        return {"ok": True, "micOn": voice.toggle_mic(), "mic": protocol.device_params(voice.mic_link.status())}

    @server.command(protocol.CMD_PTT_START)
    def push_to_talk_start(ls: LivePairServer, *args: Any) -> dict[str, Any]:
        voice = _require_voice(ls)
        voice.push_to_talk(True)
        return {"ok": True, "mic": protocol.device_params(voice.mic_link.status())}

    @server.command(protocol.CMD_PTT_END)
    def push_to_talk_end(ls: LivePairServer, *args: Any) -> dict[str, Any]:
        _require_voice(ls).push_to_talk(False)
        return {"ok": True}


def _given_target(args: tuple[Any, ...]) -> tuple[str, Diagnostic] | None:
    """[uri, diagnostic] from the arguments, if given."""
    if len(args) >= 2 and isinstance(args[0], str):
        diagnostic = inbound.DiagnosticsParams.parse({"uri": args[0], "diagnostics": [args[1]]}).diagnostics[0]
        return args[0], diagnostic
    return None


def _cursor_target(ls: LivePairServer) -> tuple[str, Diagnostic]:
    """The worst diagnostic at the cursor of the active editor."""
    ed = ls.context.editor
    if ed.uri is None:
        raise RequestFailed("livepair.explain: no diagnostic given and no active editor.")
    line = ed.selection.start.line if ed.selection else 0
    here = [d for d in ls.context.diagnostics.get(ed.uri, []) if d.range.start.line <= line <= d.range.end.line]
    if not here:
        raise RequestFailed(f"livepair.explain: no problem on line {line + 1} of {ls.context.relative(ed.uri)}.")
    return ed.uri, min(here, key=lambda d: int(d.severity or 1))
