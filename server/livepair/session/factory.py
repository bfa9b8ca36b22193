"""The one place that builds a pairing session from settings: which backend, voice, screen, tools.

`livepair.start` (lsp/features/commands.py) parses its arguments; the server's lifecycle (lsp/lifecycle.py) calls
`build_session`; nothing else decides
which model answers. Heavy parts (the SDK, PortAudio, numpy) are imported only when the session needs them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from livepair.advice.store import AdviceStore
from livepair.backends.backend import Backend
from livepair.config import Settings
from livepair.context.redact import Redactor
from livepair.context.store import ContextStore
from livepair.session.editor_port import EditorPort
from livepair.session.session import (
    CONTEXT_MAX_WAIT_S,
    PairSession,
    ScreenFactory,
    StatusPublisher,
    VoiceFactory,
)

if TYPE_CHECKING:
    from livepair.media.screen import ScreenStreamer

NO_KEY = (
    "No Gemini API key. Run 'LivePair: Set Gemini API key' or set GEMINI_API_KEY, "
    "or set livepair.backend to 'auto' or 'offline' to use the offline advisor."
)


@dataclass(frozen=True)
class Refused:
    """No session can start with these settings; `message` says what to do."""

    message: str


@dataclass(frozen=True)
class SessionParts:
    """What a session is built over: the daemon's stores and the editor it reports to."""

    context: ContextStore
    advice: AdviceStore
    redactor: Redactor
    editor: EditorPort


def choose_backend(settings: Settings, api_key: str | None, context: ContextStore) -> Backend | Refused:
    """The offline advisor without a key (backend auto) or when asked for; Gemini otherwise."""
    remote = bool(api_key) or settings.vertex
    if settings.backend == "offline" or (settings.backend == "auto" and not remote):
        return _offline(settings, context)
    if not remote:
        return Refused(NO_KEY)
    return _gemini(settings, api_key)


def build_session(settings: Settings, api_key: str | None, parts: SessionParts) -> PairSession | Refused:
    backend = choose_backend(settings, api_key, parts.context)
    if isinstance(backend, Refused):
        return backend
    return PairSession(
        backend,
        parts.context,
        parts.advice,
        parts.redactor,
        settings,
        parts.editor,
        voice=_voice(settings, backend),
        screen=_screen(settings, backend, parts),
    )


def _gemini(settings: Settings, api_key: str | None) -> Backend:
    from livepair.backends.gemini import GeminiBackend
    from livepair.backends.gemini_setup import declarations
    from livepair.session.prompt import system_instruction
    from livepair.session.tools.catalogue import REGISTRY

    instruction = system_instruction(settings.mode, settings.learner_level)
    return GeminiBackend(settings, api_key, declarations(REGISTRY.declarations(settings.mode)), instruction)


def _offline(settings: Settings, context: ContextStore) -> Backend:
    from livepair.backends.offline.advisor import OfflineBackend
    from livepair.backends.offline.listen import CommandRecognizer
    from livepair.backends.offline.speech import Speech
    from livepair.session.fix_rerun import SandboxRerun

    speech = Speech() if settings.response_modality == "audio" else None
    return OfflineBackend(
        context,
        speech=speech,
        listener=CommandRecognizer(),
        quiet=settings.proactivity == "quiet",
        rerun=SandboxRerun(),  # a fix is offered once the program, re-run with it in the sandbox, gets past its error
    )


def _voice(settings: Settings, backend: Backend) -> VoiceFactory:
    """Voice for every backend (the offline advisor speaks through espeak-ng)."""
    from livepair.session.voice import VoiceController

    return lambda on_change: VoiceController(settings, backend, on_change)


def _screen(settings: Settings, backend: Backend, parts: SessionParts) -> ScreenFactory | None:
    if not settings.screen_enabled or backend.capabilities.local:  # a local advisor keeps everything local
        return None
    if settings.screen_share not in ("monitor", "window"):  # "off", or "ask" that nobody answered: never unasked
        return None

    def make(on_change: StatusPublisher) -> ScreenStreamer:
        from livepair.media.screen import ScreenStreamer  # numpy and Pillow load only when sharing

        return ScreenStreamer(
            settings,
            parts.context,
            parts.redactor,
            backend.send_video,
            on_change,
            edits_reach_model_s=CONTEXT_MAX_WAIT_S,
        )

    return make
