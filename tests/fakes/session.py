"""One connection to the Live service simulator, as seen by a model script.

A model script is ``async def model(session: FakeSession) -> None``. It reads what the client sent with
:meth:`FakeSession.next_message` and says what the model *wants* to say or call with the ``send_*`` helpers;
the service's turn-taking rules (tests/fakes/turns.py) decide *when it may*: an output waits until an input
started a turn, is dropped once the client interrupted that turn, and audio is paced at about real time. Text
for an audio model is spoken (audio plus its transcription), as the service does. ``send`` is raw: for control
messages (goAway, resumption, usage) and for fault injection.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed

from tests.fakes.families import searches
from tests.fakes.resumption import Handles
from tests.fakes.turns import Turn, TurnTaking, spoken
from tests.fakes.waiting import Notifier
from tests.fakes.wire import ClientMessage

DEFAULT_TIMEOUT = 10.0

MessagePredicate = Callable[[ClientMessage], bool]


class SessionClosed(ConnectionError):
    """The connection is gone, so the awaited message can never arrive (or a send cannot be delivered)."""


class FakeSession:
    """Server-side state and helpers for one websocket connection."""

    def __init__(
        self,
        index: int,
        connection: ServerConnection,
        notifier: Notifier,
        next_call_id: Callable[[], str],
        handles: Handles | None = None,
    ) -> None:
        request = connection.request
        self.index = index
        #: Request path as sent: ``//ws/google.ai...`` if the base URL ends in "/", else ``/ws/...``.
        self.path: str = request.path if request else ""
        #: Handshake headers (case-insensitive lookup, e.g. ``headers["x-goog-api-key"]``).
        self.headers: Headers = request.headers if request else Headers()
        #: Normalised setup body once received (also for sessions rejected for a bad key).
        self.setup: dict[str, Any] | None = None
        #: True once setupComplete was sent, i.e. the API key was accepted.
        self.accepted = False
        #: Every message received on this connection, in order (never consumed).
        self.messages: list[ClientMessage] = []
        #: Every server message sent, as dicts (useful to debug a script).
        self.sent: list[dict[str, Any]] = []
        self.close_code: int | None = None
        self.close_reason: str | None = None
        self._connection = connection
        self._notifier = notifier
        self._next_call_id = next_call_id
        self._pending: list[ClientMessage] = []
        self._heard_taken = 0  # utterances of turns.heard the script has taken
        self._closed = False
        #: The turn-taking engine, once setup was accepted.
        self.turns: TurnTaking | None = None
        self._script_turn: Turn | None = None
        #: The model's state: the history a resumed handle restored, then every message consumed here.
        self.history: list[ClientMessage] = []
        #: Whether this connection resumed a handle.
        self.resumed = False
        #: The session this connection serves: its own index, or that of the one whose handle it resumed.
        self.lineage = index
        self._handles = handles or Handles()
        self._consumed = 0  # client messages after the setup on this connection
        self._last_update = 0.0
        #: Cleared to stop reading client frames (fault: the service is slow to accept input).
        self.reading = asyncio.Event()
        self.reading.set()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<FakeSession #{self.index} {state} messages={len(self.messages)} close={self.close_code}>"

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def pings(self) -> int:
        """Keepalive pings the client sent on this connection (tests/fakes/pongs.py)."""
        return getattr(self._connection, "pings", 0)

    # ----- receiving -------------------------------------------------------------------------------------

    async def next_message(
        self,
        kind: str | None = None,
        predicate: MessagePredicate | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> ClientMessage:
        """Consume and return the oldest unconsumed message matching ``kind`` and ``predicate``.

        Non-matching messages stay queued for later calls. Raises ``TimeoutError`` after ``timeout`` and
        :class:`SessionClosed` as soon as the connection is closed with nothing matching left.
        """

        def check() -> ClientMessage | None:
            for message in self._pending:
                if (kind is None or message.kind == kind) and (predicate is None or predicate(message)):
                    self._pending.remove(message)
                    return message
            if self._closed:
                raise SessionClosed(f"session {self.index} closed ({self.close_code}) while awaiting {kind}")
            return None

        def describe() -> str:
            queued = [message.kind for message in self._pending]
            wanted = kind or "message"
            return f"session {self.index}: no {wanted} matching within {timeout}s; queued: {queued}"

        return await self._notifier.wait_for(check, timeout, describe)

    async def next_input(self, predicate: MessagePredicate, timeout: float = DEFAULT_TIMEOUT) -> ClientMessage | str:
        """The next input that starts a turn: the words the service heard the user say (tests/fakes/hearing.py;
        a `str`), or else the oldest unconsumed client message matching ``predicate``."""

        def check() -> ClientMessage | str | None:
            turns = self.turns
            if turns is not None and self._heard_taken < len(turns.heard):
                self._heard_taken += 1
                return turns.heard[self._heard_taken - 1]
            for message in self._pending:
                if predicate(message):
                    self._pending.remove(message)
                    return message
            if self._closed:
                raise SessionClosed(f"session {self.index} closed ({self.close_code}) while awaiting an input")
            return None

        return await self._notifier.wait_for(check, timeout, lambda: f"session {self.index}: no input in {timeout}s")

    async def next_text(self, timeout: float = DEFAULT_TIMEOUT) -> str:
        """The text of the next client message carrying text (content turn or realtime text)."""
        message = await self.next_message(predicate=lambda m: bool(m.texts()), timeout=timeout)
        return "".join(message.texts())

    async def wait_tool_response(
        self, ids: str | Sequence[str], timeout: float = DEFAULT_TIMEOUT
    ) -> list[dict[str, Any]]:
        """Wait until function responses for all ``ids`` arrived (possibly over several messages).

        Returns the normalised ``{id, name, response, ...}`` dicts in the order of ``ids``.
        """
        wanted = [ids] if isinstance(ids, str) else list(ids)
        found: dict[str, dict[str, Any]] = {}

        def relevant(message: ClientMessage) -> bool:
            ids_here = [r.get("id") for r in message.function_responses()]
            return any(i in wanted and i not in found for i in ids_here)

        deadline = _Deadline(timeout)
        while len(found) < len(wanted):
            message = await self.next_message("toolResponse", relevant, timeout=deadline.remaining())
            for response in message.function_responses():
                if response.get("id") in wanted:
                    found.setdefault(str(response["id"]), response)
        return [found[call_id] for call_id in wanted]

    async def wait_closed(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        await self._notifier.wait_for(lambda: True if self._closed else None, timeout, lambda: f"{self} open")

    # ----- sending -----------------------------------------------------------------------------------------

    async def send(self, message: Mapping[str, Any]) -> None:
        """Send one raw server message (camelCase, as the real service does) as a text frame."""
        payload = dict(message)
        try:
            await self._connection.send(json.dumps(payload))
        except ConnectionClosed as exc:
            raise SessionClosed(f"session {self.index} closed; cannot send {list(payload)}") from exc
        self.sent.append(payload)
        self._notifier.notify()  # waits on what the service sent re-check too
        if (payload.get("serverContent") or {}).get("turnComplete"):
            await self.resumption_point(force=True)

    async def send_raw(self, text: str | bytes) -> None:
        """Fault injection: a frame exactly as given (cut-short JSON, an oversized frame)."""
        try:
            await self._connection.send(text)
        except ConnectionClosed as exc:
            raise SessionClosed(f"session {self.index} closed; cannot send a raw frame") from exc

    def reset(self) -> None:
        """Fault injection: drop the TCP connection with no close frame (as a reset or a dead router)."""
        transport = self._connection.transport
        transport.abort()

    # ----- session resumption (tests/fakes/resumption.py) ----------------------------------------------------

    @property
    def resumption(self) -> dict[str, Any] | None:
        setup = self.setup or {}
        value = setup.get("sessionResumption")
        return value if isinstance(value, dict) else None

    def consumed(self, message: ClientMessage) -> None:
        """The service took a client message into the model's state."""
        self.history.append(message)
        self._consumed += 1

    def resumable(self) -> bool:
        turns = self.turns
        if turns is None:
            return False
        busy = turns.current is not None and not turns.current.cut
        return not busy and not any(t.pending_calls for t in turns.turns if not t.cut)

    async def resumption_point(self, force: bool = False) -> None:
        """Send an update with a new handle if resumption is on and the state may be resumed now (realtime input
        alone: at most every 0.5 s)."""
        config = self.resumption
        now = time.monotonic()
        if config is None or self._closed or not self.resumable() or (not force and now - self._last_update < 0.5):
            return
        self._last_update = now
        update: dict[str, Any] = {
            "newHandle": self._handles.issue(self.history, lineage=self.lineage),
            "resumable": True,
        }
        if config.get("transparent") and self._consumed:
            update["lastConsumedClientMessageIndex"] = self._consumed - 1
        with contextlib.suppress(SessionClosed):
            await self.send({"sessionResumptionUpdate": update})

    # ----- what the model says: gated by the turn-taking rules -------------------------------------------

    async def _claim(self, timeout: float = DEFAULT_TIMEOUT) -> Turn | None:
        """The turn the script's next output belongs to, waiting for an input that starts one; None when the
        client has cut that turn off (the output is dropped, as the service drops a cut generation). Once the
        input that cut it has started a new turn, the script's next output is the answer to that one."""
        turns = self._engine()
        turn = self._script_turn
        if turn is not None and turn.cut and turns.claimable() is not None:
            turn = None
        if turn is None:
            turn = await self._notifier.wait_for(
                lambda: self._raise_if_closed() or turns.claimable(),
                timeout,
                lambda: f"session {self.index}: the model wants to answer, but no input started a turn",
            )
            turns.opened(turn)
            self._script_turn = turn
        await self._notifier.wait_for(
            lambda: self._raise_if_closed() or (True if turns.may_continue(turn) else None),
            timeout,
            lambda: f"session {self.index}: a blocking call of turn {turn.id} was never answered",
        )
        return None if turn.cut else turn

    @property
    def cut_off(self) -> bool:
        """The client interrupted the turn the script is answering (the rest of that answer is dropped)."""
        return self._script_turn is not None and self._script_turn.cut

    def _engine(self) -> TurnTaking:
        if self.turns is None:
            raise SessionClosed(f"session {self.index} has no accepted setup")
        return self.turns

    def _raise_if_closed(self) -> None:
        if self._closed:
            raise SessionClosed(f"session {self.index} closed ({self.close_code})")

    async def _end(self, turn: Turn | None) -> None:
        self._script_turn = None
        if turn is not None:
            await self._engine().finish(turn)

    async def send_text(self, text: str, turn_complete: bool = True) -> None:
        """What the model says; an audio model speaks it (paced audio, each chunk with its transcription)."""
        turn = await self._claim()
        if turn is not None:
            turns = self._engine()
            if turns.audio_out:
                for pcm, words in spoken(text):
                    await turns.pace_audio(turn, len(pcm) / 2 / 24_000)
                    if turn.cut:
                        break
                    await self.send_server_content(
                        modelTurn={"parts": [{"inlineData": _blob(pcm, 24_000)}]},
                        **({"outputTranscription": {"text": words}} if words else {}),
                    )
            else:
                turn.out_text_chars += len(text)
                await self.send_server_content(modelTurn={"parts": [{"text": text}]})
        if turn_complete:
            await self._end(turn)

    @property
    def can_search(self) -> bool:
        """The setup gave the model Google Search (without it the model cannot look anything up)."""
        return self.setup is not None and searches(self.setup)

    async def send_grounded_text(
        self, text: str, sources: Sequence[tuple[str, str]], queries: Sequence[str] = ()
    ) -> None:
        """An answer the model looked up on the web: with Google Search in the setup it carries
        `groundingMetadata` (webSearchQueries, groundingChunks[{web{uri, title}}]) in the turn's server content,
        as the service sends it; without it the model answers from what it knows, with no sources."""
        if not self.can_search:
            await self.send_text(text)
            return
        await self.send_text(text, turn_complete=False)
        if (turn := await self._claim()) is not None:
            chunks = [{"web": {"uri": uri, "title": title}} for title, uri in sources]
            await self.send_server_content(
                groundingMetadata={"webSearchQueries": list(queries), "groundingChunks": chunks}
            )
        await self._end(turn)

    async def send_audio(self, pcm: bytes, rate: int = 24000, turn_complete: bool = False) -> None:
        """A model audio chunk (16-bit PCM, standard base64), paced at about real time."""
        turn = await self._claim()
        if turn is not None:
            await self._engine().pace_audio(turn, len(pcm) / 2 / rate)
            if not turn.cut:
                await self.send_server_content(modelTurn={"parts": [{"inlineData": _blob(pcm, rate)}]})
        if turn_complete:
            await self._end(turn)

    async def send_output_transcript(self, text: str, finished: bool | None = None) -> None:
        if (turn := await self._claim()) is not None and not turn.cut:
            await self.send_server_content(outputTranscription=_transcript(text, finished))

    async def pass_turn(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        """The model chooses to say nothing: the next turn it is given ends at once, empty."""
        await self._end(await self._claim(timeout))

    async def send_filler(self, text: str) -> None:
        """Extended thinking: say `text`, then turnComplete with interactionStatus IN_PROGRESS; the turn goes on."""
        await self.send_text(text, turn_complete=False)
        if (turn := await self._claim()) is not None:
            await self._engine().filler(turn)

    async def send_turn_complete(self) -> None:
        """The model's reply is complete (generationComplete, the rest of playback, then turnComplete)."""
        await self._end(await self._claim())

    async def send_tool_call(self, calls: Sequence[Mapping[str, Any]]) -> list[str]:
        """Ask the client to run functions: each call is ``{name, args?, id?}``; returns the ids used.

        A blocking function holds the turn until its response arrives; the script's next output waits for it.
        Missing ids are ``call-N`` from a server-wide counter, so ids stay unique across reconnects.
        """
        function_calls = [
            {
                "id": str(call.get("id") or self._next_call_id()),
                "name": call["name"],
                "args": call.get("args") or {},
            }
            for call in calls
        ]
        ids = [call["id"] for call in function_calls]
        turn = await self._claim()
        if turn is not None:
            await self.send({"toolCall": {"functionCalls": function_calls}})
            self._engine().called(turn, ids, [call["name"] for call in function_calls], function_calls)
        return ids

    async def send_input_transcript(self, text: str, finished: bool | None = None) -> None:
        """The service's transcription of what the user said (arrives independently of the turn)."""
        await self.send_server_content(inputTranscription=_transcript(text, finished))

    async def send_server_content(self, **content: Any) -> None:
        await self.send({"serverContent": content})

    async def send_tool_call_cancellation(self, ids: Sequence[str]) -> None:
        await self.send({"toolCallCancellation": {"ids": list(ids)}})

    async def send_go_away(self, time_left: str = "10s") -> None:
        await self.send({"goAway": {"timeLeft": time_left}})

    async def send_resumption_update(self, handle: str | None, resumable: bool = True) -> None:
        """A scripted update; a named handle stands for the state now, like the ones the service issues."""
        update: dict[str, Any] = {"resumable": resumable}
        if handle is not None:
            update["newHandle"] = self._handles.issue(self.history, handle, self.lineage)
        await self.send({"sessionResumptionUpdate": update})

    async def send_unknown(self, key: str = "somethingNew") -> None:
        """A message with no top-level key the SDK knows: its ``receive()`` raises ``TypeError``."""
        await self.send({key: {}})

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close like the service does on errors, e.g. 1007 bad request, 1008 policy, 1011 internal."""
        await self._connection.close(code, reason)

    # ----- called by the server ----------------------------------------------------------------------------

    def _deliver(self, message: ClientMessage, queue: bool = True) -> None:
        """Record a message; ``queue=False`` (the setup) keeps it out of :meth:`next_message`."""
        self.messages.append(message)
        if queue:
            self._pending.append(message)
        self._notifier.notify()

    def _finish(self) -> None:
        """Mark the connection closed (idempotent; the close code is final once the socket is closed)."""
        self.close_code = self._connection.close_code
        self.close_reason = self._connection.close_reason
        self._closed = True
        self._notifier.notify()


def _blob(pcm: bytes, rate: int) -> dict[str, str]:
    return {"mimeType": f"audio/pcm;rate={rate}", "data": base64.b64encode(pcm).decode("ascii")}


def _transcript(text: str, finished: bool | None) -> dict[str, Any]:
    return {"text": text} if finished is None else {"text": text, "finished": finished}


class _Deadline:
    """Share one timeout budget across several awaits."""

    def __init__(self, timeout: float) -> None:
        self._end = time.monotonic() + timeout

    def remaining(self) -> float:
        return max(0.0, self._end - time.monotonic())


ModelScript = Callable[[FakeSession], Coroutine[Any, Any, None]]
