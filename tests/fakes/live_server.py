"""The Live service simulator: a local fake of the Gemini Live API websocket for tests that use the real
google-genai SDK. It follows the service's documented rules — which models exist and what each refuses
(families.py), when a reply may start and what interrupts it (turns.py) — and model scripts only say what the
model wants to say (session.py).

Point the SDK at it in code (``http_options=server.http_options()``) or, for a subprocess, with
``server.subprocess_env()`` (``GOOGLE_GEMINI_BASE_URL`` + ``GOOGLE_GENAI_API_VERSION`` + ``SSL_CERT_FILE``).

Behaviour mirrors the real service where tests depend on it: TLS only; the key travels in
``x-goog-api-key`` and a bad key is answered, after the setup frame is read, by close 1008; the first frame
must be ``setup`` and is answered with ``{"setupComplete": {}}``; malformed frames get close 1007. After
setup, the current ``model`` script runs against a :class:`FakeSession`. A script that raises is logged,
recorded in ``errors`` and the connection is closed with 1011, like an internal error of the service.
Protocol violations by the client are recorded in ``errors`` too, so a fixture can fail the test on them.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import random
import re
import ssl
from collections.abc import Callable, Mapping
from dataclasses import replace
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import Self

from google.genai import types
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from tests.fakes.certs import LocalCertificates
from tests.fakes.families import Refusal, as_documented, check_setup
from tests.fakes.models import echo_model, idle_model
from tests.fakes.pongs import LatePongs
from tests.fakes.recorder import LiveRecorder
from tests.fakes.resumption import INVALID_HANDLE_REASON, Handles
from tests.fakes.session import DEFAULT_TIMEOUT, FakeSession, ModelScript, SessionClosed
from tests.fakes.turns import TurnTaking
from tests.fakes.wire import ClientMessage, ProtocolViolation, frame_text, parse_client_frame

__all__ = [
    "ClientMessage",
    "FakeLiveServer",
    "FakeSession",
    "ModelScript",
    "SessionClosed",
    "echo_model",
    "idle_model",
]

logger = logging.getLogger(__name__)

# The SDK appends "/ws/..." to the base URL, so a base URL ending in "/" (the SDK default) gives "//ws".
_PATH = re.compile(r"^//?ws/google\.ai\.generativelanguage\.(v1alpha|v1beta)\.GenerativeService\.BidiGenerateContent$")
# Vertex AI: bearer auth (checked at the handshake, as by Google's front end: 401), models as resource names.
_VERTEX_PATH = re.compile(r"^//?ws/google\.cloud\.aiplatform\.(v1beta1|v1)\.LlmBidiService/BidiGenerateContent$")
BAD_KEY_REASON = "API key not valid. Please pass a valid API key."
INTERNAL_REASON = "Internal error encountered."
#: How long a script may keep running after its connection closed before it is cancelled.
SCRIPT_GRACE = 1.0
_PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "ws_proxy", "wss_proxy")


class FakeLiveServer(LiveRecorder):
    """TLS websocket server on 127.0.0.1 with an ephemeral port; use ``async with`` or start()/stop()."""

    def __init__(
        self,
        api_key: str = "test-key",
        model: ModelScript | None = None,
        *,
        setup_timeout: float = DEFAULT_TIMEOUT,
        session_timeout: float = 300.0,
        cert_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.api_key = api_key
        #: The bearer token Vertex AI connections must carry.
        self.access_token = "test-vertex-token"
        #: Script for the next sessions; may be replaced between sessions. ``None`` means idle.
        self.model: ModelScript | None = model
        self.setup_timeout = setup_timeout
        #: Upper bound on one connection's life; exceeded -> close 1011 (keeps a stuck test bounded).
        self.session_timeout = session_timeout
        self._cert_dir = cert_dir
        self._certs: LocalCertificates | None = None
        self._server: Server | None = None
        self._port: int | None = None
        self._call_ids = itertools.count(1)
        self._tasks: set[asyncio.Task[None]] = set()
        #: Resumption handles issued by any connection (tests/fakes/resumption.py).
        self.handles = Handles()
        #: Fault injection: the next setups are answered by these closes instead of setupComplete, in order.
        self.close_next_setups: list[tuple[int, str]] = []
        #: Fault injection: this many next setups get no answer at all (the socket stays open and silent).
        self.withhold_setup_complete = 0
        #: The behaviours users of the real service report (families.py) on the families they are reported on;
        #: False: every family behaves as documented.
        self.field_reports = True
        #: Not None: this many requests on each connection get a silent turn (families.py), whatever the family.
        self.silent_turns: int | None = None
        #: Field report (families.py `slow_pongs`): a pong comes this many seconds after its ping (uniform).
        self.pong_delay_s = (8.0, 30.0)
        self._pong_rng = random.Random(0)  # the same delays on every run
        #: The service's speech recognition (tests/fakes/hearing.py); None: it hears no words (no transcription).
        self.transcribe: Callable[[bytes], str] | None = None
        #: Resumes refused because an earlier socket of the same session was still open (families.py).
        self.resumes_refused_open = 0

    # ----- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> Self:
        if self._server is not None:
            return self
        self._certs = LocalCertificates.create(self._cert_dir)
        await self._listen(self._certs.server_ssl_context())
        return self

    async def _listen(self, context: ssl.SSLContext, port: int = 0) -> None:
        self._server = await serve(
            self._handle,
            "127.0.0.1",
            port,
            ssl=context,
            process_request=self._check_path,
            ping_interval=None,  # deterministic: no keepalive traffic in recordings
            create_connection=LatePongs,  # pongs as late as the service's (families.py `slow_pongs`)
            max_size=16 * 2**20,  # video frames and long histories exceed websockets' 1 MiB default
        )
        self._port = self._server.sockets[0].getsockname()[1]

    async def go_down(self) -> None:
        """Fault injection: close every connection (1001) and stop listening: connects are refused."""
        server, self._server = self._server, None
        if server is not None:
            server.close(close_connections=True)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(DEFAULT_TIMEOUT):
                    await server.wait_closed()

    async def come_back(self, *, untrusted_tls: bool = False) -> None:
        """Listen again on the same port; `untrusted_tls`: with a certificate no client trusts (TLS fails)."""
        await self.go_down()
        if untrusted_tls:
            stranger = LocalCertificates.create()
            context = stranger.server_ssl_context()
            stranger.cleanup()
        else:
            assert self._certs is not None
            context = self._certs.server_ssl_context()
        await self._listen(context, self.port)

    async def stop(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Close all connections (1001 going away) and the listener; bounded by ``timeout``."""
        server, self._server = self._server, None
        if server is not None:
            server.close(close_connections=True)
            try:
                async with asyncio.timeout(timeout):
                    await server.wait_closed()
            except TimeoutError:
                logger.warning("fake Live server did not stop within %ss", timeout)
        for task in list(self._tasks):
            task.cancel()
        if self._certs is not None:
            self._certs.cleanup()
            self._certs = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # ----- addresses and client configuration -----------------------------------------------------

    @property
    def port(self) -> int:
        """The listening port; still readable after stop() so tests can check that reconnects fail."""
        if self._port is None:
            raise RuntimeError("FakeLiveServer was never started")
        return self._port

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def ca_file(self) -> Path:
        """PEM of the CA that signed the server certificate; pass it to subprocesses as ``SSL_CERT_FILE``."""
        if self._certs is None:
            raise RuntimeError("FakeLiveServer is not started")
        return self._certs.ca_file

    def client_ssl_context(self) -> ssl.SSLContext:
        if self._certs is None:
            raise RuntimeError("FakeLiveServer is not started")
        return self._certs.client_ssl_context()

    def http_options(self, api_version: str = "v1beta") -> types.HttpOptions:
        """SDK options for an in-process client; ``proxy=None`` because HTTPS_PROXY would catch 127.0.0.1."""
        return types.HttpOptions(
            base_url=self.url,
            api_version=api_version,
            async_client_args={"ssl": self.client_ssl_context(), "proxy": None},
        )

    def subprocess_env(self, base: Mapping[str, str] | None = None, api_version: str = "v1beta") -> dict[str, str]:
        """Environment for a child process that uses the unmodified SDK against this server.

        Proxy variables are dropped (websockets honours them even for 127.0.0.1) and so are other Google
        credentials, so the child uses exactly ``GEMINI_API_KEY=api_key`` on the Gemini API route.
        """
        source = os.environ if base is None else base
        env = {k: v for k, v in source.items() if k.lower() not in _PROXY_VARS}
        for name in ("GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "SSL_CERT_DIR", "GOOGLE_VERTEX_BASE_URL"):
            env.pop(name, None)
        env.update(
            GOOGLE_GEMINI_BASE_URL=self.url,
            GOOGLE_GENAI_API_VERSION=api_version,
            SSL_CERT_FILE=str(self.ca_file),
            GEMINI_API_KEY=self.api_key,
        )
        return env

    # ----- connection handling --------------------------------------------------------------------

    def _next_call_id(self) -> str:
        return f"call-{next(self._call_ids)}"

    def _check_path(self, connection: ServerConnection, request: Request) -> Response | None:
        path = request.path.split("?", 1)[0]
        if _PATH.match(path):
            return None
        if _VERTEX_PATH.match(path):
            if request.headers.get("Authorization") != f"Bearer {self.access_token}":
                return connection.respond(HTTPStatus.UNAUTHORIZED, "Request had invalid authentication credentials.\n")
            return None
        return connection.respond(HTTPStatus.NOT_FOUND, "Not Found\n")

    async def _handle(self, connection: ServerConnection) -> None:
        session = FakeSession(len(self.sessions), connection, self._notifier, self._next_call_id, self.handles)
        if isinstance(connection, LatePongs):
            connection.on_ping = self._notifier.notify
        self.sessions.append(session)
        self._notifier.notify()
        try:
            async with asyncio.timeout(self.session_timeout):
                await self._serve(session, connection)
        except TimeoutError:
            await connection.close(1011, "Deadline expired before operation could complete.")
        finally:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(DEFAULT_TIMEOUT):
                    await connection.wait_closed()
            session._finish()

    async def _serve(self, session: FakeSession, connection: ServerConnection) -> None:
        try:
            async with asyncio.timeout(self.setup_timeout):
                frame = await connection.recv()
        except TimeoutError:
            await connection.close(1011, "Timed out waiting for setup.")
            return
        except ConnectionClosed:
            return
        setup = await self._receive(session, frame)
        if setup is None:
            return
        if setup.kind != "setup":
            violation = ProtocolViolation(f"first message must be setup, got {setup.kind}")
            await self._violation(session, violation)
            return
        session.setup = setup.body
        session._deliver(setup, queue=False)
        vertex = bool(_VERTEX_PATH.match(session.path.split("?", 1)[0]))  # authenticated at the handshake
        if not vertex and session.headers.get("x-goog-api-key") != self.api_key:
            await connection.close(1008, BAD_KEY_REASON)
            return
        try:
            family = check_setup(setup.body, _api_version(session.path))
        except Refusal as refusal:
            await connection.close(refusal.code, _reason(refusal.reason))
            return
        if self.close_next_setups:
            code, reason = self.close_next_setups.pop(0)
            await connection.close(code, _reason(reason))
            return
        if self.withhold_setup_complete > 0:
            self.withhold_setup_complete -= 1
            await connection.wait_closed()
            return
        if not self.field_reports:
            family = as_documented(family)
        if self.silent_turns is not None:
            family = replace(family, silent_turns=self.silent_turns, silent_every=0)
        handle = (session.resumption or {}).get("handle")
        if handle:
            restored = self.handles.restore(str(handle))
            if restored is None:
                await connection.close(1008, INVALID_HANDLE_REASON)
                return
            lineage = self.handles.lineage(str(handle))
            if family.resume_needs_old_closed and any(
                s.lineage == lineage and s.accepted and not s.closed for s in self.sessions if s is not session
            ):
                self.resumes_refused_open += 1  # field report (families.py): close the old socket first
                await connection.close(1011, INTERNAL_REASON)
                return
            session.history, session.resumed, session.lineage = restored, True, lineage
        if family.slow_pongs and isinstance(connection, LatePongs):
            low, high = self.pong_delay_s
            connection.pong_delay = lambda: self._pong_rng.uniform(low, high)
        session.turns = TurnTaking(setup.body, family, session.send, self._notifier)
        session.turns.transcribe = self.transcribe
        session.accepted = True
        await session.send({"setupComplete": {}})
        await self._run_model(session, connection)

    async def _run_model(self, session: FakeSession, connection: ServerConnection) -> None:
        model = self.model or idle_model
        script = asyncio.create_task(model(session), name=f"fake-live-model-{session.index}")
        reader = asyncio.create_task(self._read(session, connection), name=f"fake-live-read-{session.index}")
        self._tasks.update((script, reader))
        error: BaseException | None = None
        try:
            await asyncio.wait((script, reader), return_when=asyncio.FIRST_COMPLETED)
            if error := self._record_script_error(session, script):
                await connection.close(1011, _reason(f"{INTERNAL_REASON} ({type(error).__name__})"))
            await reader  # the session lasts until the connection closes: client, script close() or stop()
            session._finish()  # the script's pending waits now raise SessionClosed ...
            await asyncio.wait((script,), timeout=SCRIPT_GRACE)  # ... so let it wind down by itself
        finally:
            script.cancel()  # no-op when done; stops a script still busy after the grace period
            reader.cancel()
            await asyncio.gather(script, reader, return_exceptions=True)
            if error is None:  # a script may fail while the client is hanging up
                self._record_script_error(session, script)
            self._tasks.difference_update((script, reader))

    def _record_script_error(self, session: FakeSession, script: asyncio.Task[None]) -> BaseException | None:
        """Record a script's exception; hanging up on a script (SessionClosed) is not its fault."""
        if not script.done() or script.cancelled():
            return None
        exc = script.exception()
        if exc is None or isinstance(exc, SessionClosed | ConnectionClosed):
            return None
        logger.error("fake Live model script failed in session %s", session.index, exc_info=exc)
        self.errors.append(exc)
        self._notifier.notify()
        return exc

    async def _read(self, session: FakeSession, connection: ServerConnection) -> None:
        while True:
            await session.reading.wait()
            try:
                frame = await connection.recv()
            except ConnectionClosed:
                return
            message = await self._receive(session, frame)
            if message is None:
                return
            if message.kind == "setup":
                await self._violation(session, ProtocolViolation("setup may only be sent once"))
                return
            session._deliver(message)
            if session.turns is not None:
                try:
                    await session.turns.on_client(message)
                except Refusal as refusal:
                    await session.close(refusal.code, _reason(refusal.reason))
                    return
                except SessionClosed:
                    return
                session.consumed(message)
                await session.resumption_point(force=message.kind != "realtimeInput")

    async def _receive(self, session: FakeSession, frame: str | bytes) -> ClientMessage | None:
        """Record a frame and parse it; a malformed one closes the session with 1007 and gives None."""
        self.frames.append(frame_text(frame))
        try:
            message = parse_client_frame(frame, session.index)
        except ProtocolViolation as exc:
            await self._violation(session, exc)
            return None
        self.messages.append(message)
        self._notifier.notify()
        return message

    async def _violation(self, session: FakeSession, exc: ProtocolViolation) -> None:
        logger.warning("fake Live server: session %s protocol violation: %s", session.index, exc)
        self.errors.append(exc)
        self._notifier.notify()
        await session.close(1007, _reason(str(exc)))


def _api_version(path: str) -> str:
    match = _PATH.match(path.split("?", 1)[0])
    return match.group(1) if match else "v1beta"


def _reason(text: str) -> str:
    """Close reasons are limited to 123 UTF-8 bytes."""
    return text.encode()[:123].decode(errors="ignore")
