"""What the fake Live server saw, plus condition waits for tests (no fixed sleeps anywhere)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from websockets.datastructures import Headers

from tests.fakes.session import DEFAULT_TIMEOUT, FakeSession
from tests.fakes.waiting import Notifier
from tests.fakes.wire import ClientMessage, iter_text_leaves


class LiveRecorder:
    """Recorded traffic of all sessions; :class:`~tests.fakes.live_server.FakeLiveServer` fills it in."""

    def __init__(self) -> None:
        #: Every raw client frame, in arrival order, including malformed ones.
        self.frames: list[str] = []
        #: Every well-formed client message (normalised), all sessions, in arrival order.
        self.messages: list[ClientMessage] = []
        #: One per websocket connection (including ones rejected for a bad key; see ``accepted``).
        self.sessions: list[FakeSession] = []
        #: Exceptions from model scripts and client protocol violations. Tests should assert it is empty.
        self.errors: list[BaseException] = []
        self._notifier = Notifier()

    # ----- assertions helpers ---------------------------------------------------------------------

    @property
    def headers(self) -> list[Headers]:
        """Handshake headers of each session, in connection order."""
        return [session.headers for session in self.sessions]

    def setups(self) -> list[dict[str, Any]]:
        return [m.body for m in self.messages if m.kind == "setup"]

    def texts_sent(self) -> list[str]:
        return [text for m in self.messages for text in m.texts()]

    def tool_responses(self) -> list[dict[str, Any]]:
        return [r for m in self.messages for r in m.function_responses()]

    def audio_received(self) -> bytes:
        return b"".join(blob for m in self.messages for blob in m.blobs("audio/"))

    def images_received(self) -> list[bytes]:
        return [blob for m in self.messages for blob in m.blobs("image/")]

    def all_text(self) -> str:
        """Everything the client sent: raw frames plus unescaped strings and decoded blobs (leak checks)."""
        decoded = (leaf for m in self.messages for leaf in iter_text_leaves(m.body))
        return "\n".join([*self.frames, *decoded])

    def raise_errors(self) -> None:
        """Re-raise the first recorded error, if any (handy in fixture teardown)."""
        if self.errors:
            raise AssertionError(f"fake Live server recorded errors: {self.errors!r}") from self.errors[0]

    # ----- waiting --------------------------------------------------------------------------------

    async def wait_session(self, n: int = 1, timeout: float = DEFAULT_TIMEOUT) -> FakeSession:
        """The ``n``-th (1-based) connection, once it has connected."""
        return await self._notifier.wait_for(
            lambda: self.sessions[n - 1] if len(self.sessions) >= n else None,
            timeout,
            lambda: f"only {len(self.sessions)} session(s) connected; wanted {n}",
        )

    async def wait_message(
        self,
        kind: str | None = None,
        predicate: Callable[[ClientMessage], bool] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> ClientMessage:
        """First recorded message (any session, already received or not) matching; does not consume."""

        def check() -> ClientMessage | None:
            matches = (m for m in self.messages if kind is None or m.kind == kind)
            return next((m for m in matches if predicate is None or predicate(m)), None)

        return await self._notifier.wait_for(
            check, timeout, lambda: f"no {kind or 'message'} matching; got {[m.kind for m in self.messages]}"
        )

    async def wait_until(self, condition: Callable[[], bool], timeout: float = DEFAULT_TIMEOUT) -> None:
        """Wait until ``condition()`` holds; re-checked on every frame, connection and close."""
        await self._notifier.wait_for(
            lambda: True if condition() else None, timeout, lambda: f"condition still false after {timeout}s"
        )
