"""The Live service's turn-taking rules: when the model may answer, and what interrupts it.

A model script says what the model *wants* to say or call; this engine decides *when it may*, as the service does
(API reference, quoted in ../shared/facts/live-api.md "Turn-taking"):

1. Generation starts only on a turn-completing `clientContent` ("turnComplete: If true, ... generation should start
   with the currently accumulated prompt. Otherwise, the server awaits additional messages"), on realtime text, at
   the end of user speech (automatic activity detection: speech, then `silence_duration_ms` of silence, or
   `audioStreamEnd` where the family honours it; `activityEnd` when detection is disabled), and a blocking call's
   turn continues after its `toolResponse`.
2. "A message here [clientContent] will interrupt any current model generation": any clientContent while the model
   generates, or while its reply's audio is still being delivered, cuts the reply off: `interrupted`, then
   `turnComplete` (and `toolCallCancellation` for calls still pending: "occurs only in cases where the clients
   interrupt server turns"). User speech (or activityStart, or realtime text) that starts during a reply interrupts
   it under START_OF_ACTIVITY_INTERRUPTS, not under NO_INTERRUPTION.
3. Audio is delivered at about real time; `generationComplete` precedes `turnComplete` ("when model assumes
   realtime playback there will be delay between generation_complete and turn_complete"); an interrupted turn has
   no generationComplete.
4. `usageMetadata` after each turn, per modality (audio ~32 tokens a second, frames 64 (low) / 256 (medium),
   text ~4 characters a token), the accumulated prompt re-billed each turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tests.fakes.families import Family, Refusal
from tests.fakes.waiting import Notifier
from tests.fakes.wire import ClientMessage

AUDIO_TOKENS_PER_S = 32
FRAME_TOKENS = {"MEDIA_RESOLUTION_LOW": 64, "MEDIA_RESOLUTION_MEDIUM": 256}
SPEECH_DBFS = -45.0  # the service's activity detection: louder than this is speech
WORDS_PER_S = 2.5  # a spoken reply's length when the script gives text to an audio model
LEAD_S = 1.0  # the service sends audio a little ahead of playback (turnComplete still waits for it)
OUT_RATE = 24_000
EMPTY_RESULT_REPEATS = 3  # field report: 2-5 repeats of a call whose result was empty
Send = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass
class Turn:
    """One model generation: granted by an input, claimed by the script's first output, ended or cut."""

    id: int
    reason: str
    claimed: bool = False
    cut: bool = False
    ended: bool = False
    pending_calls: set[str] = field(default_factory=set)
    out_audio_s: float = 0.0
    out_text_chars: int = 0


@dataclass
class Usage:
    text_chars: int = 0
    audio_s: float = 0.0
    frames: int = 0


class TurnTaking:
    def __init__(self, setup: dict[str, Any], family: Family, send: Send, notifier: Notifier) -> None:
        rt = setup.get("realtimeInputConfig") or {}
        aad = rt.get("automaticActivityDetection") or {}
        config = setup.get("generationConfig") or {}
        self.family = family
        self.detection = not aad.get("disabled", False)
        self.silence_s = float(aad.get("silenceDurationMs") or 800) / 1000
        self.interrupts = rt.get("activityHandling", "START_OF_ACTIVITY_INTERRUPTS") != "NO_INTERRUPTION"
        self.audio_out = "AUDIO" in [str(m).upper() for m in config.get("responseModalities") or ["AUDIO"]]
        self.frame_tokens = FRAME_TOKENS.get(str(config.get("mediaResolution")), 256)
        self.blocking = _blocking_functions(setup, family)
        self._send = send
        self._notifier = notifier
        self.turns: list[Turn] = []
        self.current: Turn | None = None  # the turn the service is generating (or delivering)
        self.delivered_until = 0.0  # monotonic time the current reply's audio finishes playing
        self.model_turns = 0
        self.interruptions = 0
        self.usage = Usage()
        self._billed = Usage()
        self.calls: dict[str, dict[str, Any]] = {}  # every call the model made on this connection, by id
        self._repeats: dict[str, int] = {}  # name -> calls repeated for an empty result
        self.repeated = 0
        self.silent_left = family.silent_turns  # requests still to get a silent turn (field report)
        self._requests = 0  # requests after those, for `silent_every`
        self.silent = 0  # silent turns sent
        self._speaking = False
        self._silence = 0.0
        #: The service's speech recognition (tests/fakes/hearing.py): the words of an utterance, "" for none.
        self.transcribe: Callable[[bytes], str] | None = None
        self.heard: list[str] = []  # what it heard the user say, utterance by utterance
        self._utterance = bytearray()

    # -- inputs from the client (rule 1 and 2) -----------------------------------------------------------
    async def on_client(self, message: ClientMessage) -> None:
        body = message.body
        if message.kind == "clientContent":
            if not self.family.mid_session_client_content and self.model_turns > 0:
                raise Refusal(1007, "Request contains an invalid argument: client content is only accepted as "
                              "initial history on this model; send text as realtime input.")  # fmt: skip
            self.usage.text_chars += sum(len(t) for t in message.texts())
            await self._interrupt("clientContent")
            if body.get("turnComplete"):
                self._grant("clientContent turnComplete")
                await self._silent_if_due()
        elif message.kind == "toolResponse":
            await self._tool_response(message)
        elif message.kind == "realtimeInput":
            await self._realtime(message)

    async def _realtime(self, message: ClientMessage) -> None:
        body = message.body
        if isinstance(body.get("text"), str):
            self.usage.text_chars += len(body["text"])
            if self.interrupts:
                await self._interrupt("realtime text")
            self._grant("realtime text")
            await self._silent_if_due()
        for pcm in message.blobs("audio/"):
            await self._audio(pcm)
        self.usage.frames += len(message.blobs("image/"))
        if "activityStart" in body:
            if self.detection:
                raise Refusal(1007, "Request contains an invalid argument: explicit activity control is not "
                              "allowed while automatic activity detection is enabled.")  # fmt: skip
            if self.interrupts:
                await self._interrupt("activityStart")
        if "activityEnd" in body and not self.detection:
            self._grant("activityEnd")
        if body.get("audioStreamEnd") and self._speaking and self.family.stream_end_ends_speech:
            self._speaking = False
            await self._transcribed()
            self._grant("audioStreamEnd")

    async def _audio(self, pcm: bytes) -> None:
        seconds = len(pcm) / 2 / 16_000
        self.usage.audio_s += seconds
        if not self.detection:
            return
        samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], "<i2").astype(np.float64)
        if not self.family.zero_audio_heard and not samples.any():
            return  # field report (families.py): digital silence is no audio to this VAD, so speech never ends
        rms = float(np.sqrt(np.mean(samples**2))) if samples.size else 0.0
        loud = 20 * math.log10(max(rms, 1e-9) / 32768) > SPEECH_DBFS
        if loud:
            self._silence = 0.0
            if not self._speaking:
                self._speaking = True
                self._utterance = bytearray()
                if self.interrupts:
                    await self._interrupt("user speech")
            self._utterance += pcm
        elif self._speaking:
            self._silence += seconds
            if self._silence >= self.silence_s:
                self._speaking = False
                await self._transcribed()
                self._grant("end of speech")

    async def _transcribed(self) -> None:
        """The user's turn ended: what the service heard goes to the client (`inputTranscription`, before the
        reply), and to the model script (`heard`)."""
        pcm, self._utterance = bytes(self._utterance), bytearray()
        if self.transcribe is None or not (words := self.transcribe(pcm)):
            return
        self.heard.append(words)
        await self._send({"serverContent": {"inputTranscription": {"text": words, "finished": True}}})
        self._notifier.notify()

    async def _tool_response(self, message: ClientMessage) -> None:
        for response in message.function_responses():
            call_id = str(response.get("id"))
            await self._repeat_if_empty(call_id, response)
            for turn in self.turns:
                if call_id in turn.pending_calls:
                    turn.pending_calls.discard(call_id)
                    if turn is self.current and not turn.pending_calls:
                        self._notifier.notify()  # a blocking call answered: its turn goes on
                    break
            else:
                scheduling = response.get("scheduling")
                if scheduling in ("INTERRUPT", "WHEN_IDLE"):  # a non-blocking result that asks for a reply
                    if scheduling == "INTERRUPT":
                        await self._interrupt("tool response")
                    self._grant("tool response")

    async def _repeat_if_empty(self, call_id: str, response: dict[str, Any]) -> None:
        """Field report (families.py): 3.8 calls again, with a new id, when a result is empty (2-5 times; here
        `EMPTY_RESULT_REPEATS`)."""
        call = self.calls.get(call_id)
        if call is None or not self.family.repeats_empty_calls or _informative(response.get("response")):
            return
        repeats = self._repeats.get(call["name"], 0)
        if repeats >= EMPTY_RESULT_REPEATS:
            return
        self._repeats[call["name"]] = repeats + 1
        again = {**call, "id": f"{call_id}-again-{repeats + 1}"}
        self.calls[again["id"]] = again
        self.repeated += 1
        await self._send({"toolCall": {"functionCalls": [again]}})

    async def _silent_if_due(self) -> None:
        """Field report (families.py): the request's turn completes at once with no content at all."""
        turn = self.current
        if turn is None or turn.claimed:
            return
        if self.silent_left > 0:
            self.silent_left -= 1
        else:
            self._requests += 1
            every = self.family.silent_every
            if every <= 0 or self._requests % every:
                return
        self.silent += 1
        turn.ended = True
        self.current = None
        await self._send({"serverContent": {"turnComplete": True}})

    def _grant(self, reason: str) -> None:
        turn = Turn(len(self.turns) + 1, reason)
        self.turns.append(turn)
        self.current = turn
        self._notifier.notify()

    async def _interrupt(self, why: str) -> None:
        turn = self.current
        if turn is None or turn.cut or (turn.ended and time.monotonic() >= self.delivered_until):
            return
        turn.cut = True
        self.current = None
        self.delivered_until = 0.0
        self.interruptions += 1
        if turn.claimed:  # the client saw the reply start: tell it the reply was cut
            await self._send({"serverContent": {"interrupted": True}})
            if turn.pending_calls:
                await self._send({"toolCallCancellation": {"ids": sorted(turn.pending_calls)}})
                turn.pending_calls.clear()
            await self._send({"serverContent": {"turnComplete": True}})  # "interrupted > turn_complete"
            await self._bill(turn)
        self._notifier.notify()

    # -- output from the model script (rule 3) -------------------------------------------------------------
    def claimable(self) -> Turn | None:
        turn = self.current
        return turn if turn is not None and not turn.cut and not turn.ended else None

    def may_continue(self, turn: Turn) -> bool:
        return turn.cut or not turn.pending_calls

    def opened(self, turn: Turn) -> None:
        turn.claimed = True
        self.model_turns += 1

    def called(self, turn: Turn, ids: list[str], names: list[str], calls: list[dict[str, Any]] | None = None) -> None:
        turn.pending_calls.update(i for i, n in zip(ids, names, strict=True) if n in self.blocking)
        for call in calls or []:
            self.calls[str(call["id"])] = call

    async def pace_audio(self, turn: Turn, seconds: float) -> None:
        """Hold a chunk until it is at most LEAD_S ahead of playback."""
        now = time.monotonic()
        start = max(now, self.delivered_until)
        if start - now > LEAD_S:
            await asyncio.sleep(start - now - LEAD_S)
        if turn is self.current:
            self.delivered_until = max(time.monotonic(), self.delivered_until) + seconds
        turn.out_audio_s += seconds

    async def finish(self, turn: Turn) -> None:
        """The script's reply is complete: generationComplete, playback time, turnComplete, usage."""
        if turn.cut or turn.ended:
            return
        turn.ended = True
        await self._send({"serverContent": {"generationComplete": True}})
        while not turn.cut and (wait := self.delivered_until - time.monotonic()) > 0:
            with contextlib.suppress(TimeoutError):  # playback ends, or the client cuts the reply off
                await self._notifier.wait_for(lambda: True if turn.cut else None, wait, lambda: "playback")
        if turn.cut:
            return
        if self.current is turn:
            self.current = None
        idle = {"interactionStatus": "IDLE"} if self.family.interaction_status else {}
        await self._send({"serverContent": {"turnComplete": True, **idle}})
        await self._bill(turn)

    async def filler(self, turn: Turn) -> None:
        """Extended thinking: the spoken part so far is complete, background reasoning goes on (IN_PROGRESS)."""
        if not self.family.interaction_status:
            raise AssertionError(f"{self.family.name} sends no interactionStatus: no filler turns")
        await self._send({"serverContent": {"turnComplete": True, "interactionStatus": "IN_PROGRESS"}})

    async def _bill(self, turn: Turn) -> None:
        u = self.usage
        text = math.ceil(u.text_chars / 4)
        audio = round(u.audio_s * AUDIO_TOKENS_PER_S)
        frames = u.frames * self.frame_tokens
        out_audio = round(turn.out_audio_s * AUDIO_TOKENS_PER_S)
        out_text = math.ceil(turn.out_text_chars / 4)
        prompt = text + audio + frames
        response = out_audio + out_text
        await self._send(
            {
                "usageMetadata": {
                    "promptTokenCount": prompt,
                    "responseTokenCount": response,
                    "totalTokenCount": prompt + response,
                    "promptTokensDetails": [
                        {"modality": "TEXT", "tokenCount": text},
                        {"modality": "AUDIO", "tokenCount": audio},
                        {"modality": "IMAGE", "tokenCount": frames},
                    ],
                    "responseTokensDetails": [
                        {"modality": "AUDIO", "tokenCount": out_audio},
                        {"modality": "TEXT", "tokenCount": out_text},
                    ],
                }
            }
        )


def _informative(result: Any) -> bool:
    """A tool result that says something (not {}, not only empty values)."""
    if isinstance(result, dict):
        return any(_informative(v) for v in result.values())
    if isinstance(result, list | str):
        return bool(result)
    return result is not None


def spoken(text: str) -> list[tuple[bytes, str]]:
    """A reply as the service would speak it: 100 ms chunks of a quiet tone, each with its words."""
    words = text.split()
    seconds = max(0.3, len(words) / WORDS_PER_S)
    chunks = max(1, round(seconds / 0.1))
    t = np.arange(int(OUT_RATE * 0.1)) / OUT_RATE
    tone = (np.sin(2 * np.pi * 220 * t) * 2000).astype("<i2").tobytes()
    out: list[tuple[bytes, str]] = []
    for i in range(chunks):
        piece = words[len(words) * i // chunks : len(words) * (i + 1) // chunks]
        out.append((tone, " ".join(piece) + (" " if piece and i < chunks - 1 else "")))
    return out


def _blocking_functions(setup: dict[str, Any], family: Family) -> set[str]:
    """Names of functions whose call holds the turn until answered (3.8 makes NON_BLOCKING the default)."""
    default = "NON_BLOCKING" if family.name.startswith("gemini-3.8") else "BLOCKING"
    return {
        str(d.get("name"))
        for tool in setup.get("tools") or []
        for d in tool.get("functionDeclarations") or []
        if (d.get("behavior") or default) == "BLOCKING"
    }
