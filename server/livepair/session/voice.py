"""The voice controller: who may talk when.

- Half duplex (default): while LivePair speaks, the mic is gated so the model never hears itself through the
  speakers. With barge-in on, a local VAD at a raised threshold keeps listening and, when the user talks over the
  reply, playback is flushed at once and the user's speech goes through. Full duplex is for headphones.
- Push-to-talk sends explicit activityStart/activityEnd (automatic activity detection is off in the setup).
- Otherwise the local VAD gates what is sent: silence is not streamed; a pause ends with audioStreamEnd.
- What a model turn answers (`turn_started`) decides whether it is heard: the user's question or speech always,
  an explanation the user is reading never, a failure the senior dev looks at unasked as the dial allows
  (`RemarkPolicy`).
Devices come and go through `DeviceLink`s; none of that ever stops the session.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable

from livepair.aio import ChannelClosed, TaskOwner
from livepair.backends.backend import Backend
from livepair.config import TURN_TAKING, Settings
from livepair.media import devices
from livepair.media.link import DeviceLink
from livepair.media.mic import Mic, MicChunk
from livepair.media.speaker import Speaker
from livepair.media.vad import SpeechDetector, SpeechGate
from livepair.model import VoiceActivity, VoiceStatus
from livepair.session.proactivity import Purpose, RemarkPolicy

log = logging.getLogger(__name__)
ECHO_TAIL_S = 0.25  # the room keeps ringing a little after playback stops
WATCH_S = 0.25
REFRESH_S = 5.0
TRAIL_S = 3.0  # longest the mic keeps streaming after speech for the service to take the turn; then audioStreamEnd
MAX_MESSAGE_BYTES = 3200  # 100 ms at 16 kHz: the pre-roll goes out in a few messages, not one per chunk


class VoiceController:
    def __init__(
        self,
        settings: Settings,
        backend: Backend,
        on_change: Callable[[], None],
        mic: Mic | None = None,
        speaker: Speaker | None = None,
    ) -> None:
        s = settings
        self._settings = s
        self._backend = backend
        self._on_change = on_change
        self.mic = mic or Mic(s.mic_device, s.mic_chunk_ms)
        self.speaker = speaker or Speaker(s.speaker_device, s.jitter_ms)
        self.speaker.on_drained = self._drained
        self.mic_link = DeviceLink("microphone", self.mic, on_change)
        self.speaker_link = DeviceLink("speaker", self.speaker, on_change)
        self.mic_link.wanted = s.mic_enabled
        self.speaker_link.wanted = s.response_modality == "audio"
        self.policy = RemarkPolicy(s.proactivity, s.remark_interval_s)
        turn = TURN_TAKING[s.proactivity]
        self._gate = SpeechGate(
            SpeechDetector(silence_ms=turn.silence_ms), turn.prefix_padding_ms + 100, s.mic_chunk_ms
        )
        # Barge-in over our own voice needs more evidence: louder and longer than ordinary speech onset.
        self._barge = SpeechDetector(start_ms=210, silence_ms=300, min_dbfs=-35.0)
        self._recent: deque[bytes] = deque(maxlen=max(1, 300 // s.mic_chunk_ms))
        self.ptt_down = False
        self.user_speaking = False
        self._turn_active = False  # a model turn is producing audio
        self._suppress_turn = False  # the rest of this model turn stays silent (barge-in or policy)
        self._purpose: Purpose | None = None  # what the coming model turn answers, when the backend says
        self._echo_until = 0.0
        # After the user stops speaking the mic keeps streaming until the service takes the turn: some models
        # (3.8) ignore audioStreamEnd and hear the end of speech only in trailing audio (docs/architecture.md).
        self._trailing_until: float | None = None
        self._tasks = TaskOwner("voice")
        self.sent_bytes = 0
        self.captured_bytes = 0
        #: Optional hook for benchmarks: called with each chunk right after it was handed to the backend.
        self.on_sent: Callable[[MicChunk], None] | None = None

    # -- lifecycle ------------------------------------------------------------------------------------------
    async def start(self) -> None:
        self._tasks.spawn("devices", self._watch())
        self._tasks.spawn("mic", self._pump())

    async def stop(self) -> None:
        await self._tasks.cancel_all()
        await self.mic_link.close()
        await self.speaker_link.close()
        self.mic.chunks.close()

    async def _watch(self) -> None:
        last_refresh = time.monotonic()
        while True:
            links = (self.mic_link, self.speaker_link)
            lost = [k for k in links if k.wanted and not k.muted and k.state == "unavailable"]
            # A device that appeared since PortAudio started is only seen after a re-scan, which is only safe
            # with no stream open.
            if lost and not any(k.device.is_open for k in links) and time.monotonic() - last_refresh > REFRESH_S:
                last_refresh = time.monotonic()
                with contextlib.suppress(Exception):
                    await asyncio.to_thread(devices.refresh)
            for link in links:
                await link.tick()
            await asyncio.sleep(WATCH_S)

    # -- user controls --------------------------------------------------------------------------------------
    def toggle_mic(self) -> bool:
        """Mute or unmute; returns True when the mic is now live (or trying to be)."""
        if not self.mic_link.wanted:  # micEnabled was off: the toggle turns it on
            self.mic_link.wanted, self.mic_link.muted = True, False
        else:
            self.mic_link.muted = not self.mic_link.muted
        self.mic_link.retry_now()
        if self.mic_link.muted:
            self._end_user_speech(send_end=True)
        self._on_change()
        return not self.mic_link.muted

    def push_to_talk(self, down: bool) -> None:
        if down == self.ptt_down:
            return
        self.ptt_down = down
        # Activity signals are only valid with automatic detection off (pushToTalk); otherwise the press just
        # opens the mic fully and the release ends the stream.
        explicit = self._settings.push_to_talk
        if down:
            self._barge_in()  # an explicit press always wins over our own voice
            self._gate.reset()
            if explicit:
                self._backend.send_activity_start()
            self._user(True)
        else:
            if explicit:
                self._backend.send_activity_end()
            else:
                self._backend.send_audio_stream_end()
            self.policy.prompted()
            self._user(False)

    # -- model audio (from the session) ---------------------------------------------------------------------
    def play(self, pcm: bytes, rate: int) -> bool:
        """Queue model audio for playback; False when it is kept silent."""
        if self._suppress_turn:
            return False
        if not self._turn_active:
            self._turn_active = True
            if not self.policy.admit_turn(self._purpose):
                self._suppress_turn = True
                log.info("kept an unprompted remark silent (proactivity %s)", self.policy.mode)
                return False
            self._on_change()
        if not self.speaker_link.on:
            return False
        self.speaker.push(pcm, rate)
        return True

    def user_interrupts(self) -> None:
        """The user asked something (typed): silence now, without waiting for the service's `interrupted`. Speech
        of theirs in progress goes on as it was: resetting the gate would lose its end, and "the user speaks" would
        hold every unasked remark back for good."""
        if self.model_speaking:
            self.speaker.flush()
            self._suppress_turn = self._turn_active
        self._echo_until = 0.0

    def turn_started(self, purpose: Purpose) -> None:
        """The backend says what the coming turn answers (before its first audio)."""
        self._purpose = purpose
        self._trailing_until = None  # the service took the turn: no more trailing audio needed

    def interrupted(self) -> None:
        self.speaker.flush()
        self._turn_ended()

    def turn_complete(self) -> None:
        self.speaker.end_of_turn()
        self._turn_ended()

    def prompted(self) -> None:
        self.policy.prompted()

    def typed(self) -> None:
        self.policy.typed()

    def _turn_ended(self) -> None:
        self._trailing_until = None
        self.policy.turn_ended(had_audio=self._turn_active, purpose=self._purpose)
        self._purpose = None
        if self._turn_active and not self._suppress_turn:  # a silent (text-only) turn leaves no echo to wait out
            self._echo_until = time.monotonic() + ECHO_TAIL_S
        self._turn_active = self._suppress_turn = False
        self._on_change()

    def _drained(self) -> None:
        self._echo_until = time.monotonic() + ECHO_TAIL_S
        self._on_change()

    @property
    def model_speaking(self) -> bool:
        return (self._turn_active and not self._suppress_turn) or self.speaker.playing

    def _gated(self) -> bool:
        """Half duplex: the mic must not reach the model while our own voice may be in the room."""
        if self._settings.duplex == "full" or not self.speaker_link.on:
            return False  # headphones, or nothing plays that the mic could hear
        return self.model_speaking or time.monotonic() < self._echo_until

    # -- mic audio ------------------------------------------------------------------------------------------
    async def _pump(self) -> None:
        with contextlib.suppress(ChannelClosed):
            while True:
                chunk = await self.mic.chunks.get()
                try:
                    self._on_chunk(chunk)
                except Exception:  # one bad chunk must not end voice for the session
                    log.exception("mic chunk failed")

    def _on_chunk(self, chunk: MicChunk) -> None:
        self.captured_bytes += len(chunk.pcm)
        if not self.mic_link.on:
            return
        if self.ptt_down:
            self._send(chunk)
            return
        if self._gated():
            self._recent.append(chunk.pcm)
            if self.user_speaking:
                self._end_user_speech(send_end=True)
            if not (self._settings.barge_in and self._barge.feed(chunk.pcm)[0]):
                return
            log.info("barge-in: the user talks over the reply")
            self._barge_in()
            self._user(True)
            for pcm in self._recent:
                self._send(MicChunk(pcm, chunk.captured))
            self._recent.clear()
            return
        if self._settings.push_to_talk:
            return  # only the button opens the mic
        result = self._gate.feed(chunk.pcm)
        if result.started:
            self._user(True)
            self._trailing_until = None
        elif not result.send and self._trailing_until is not None:
            self._trail(chunk)
            return
        for pcm in _merge(result.send, MAX_MESSAGE_BYTES):
            self._send(MicChunk(pcm, chunk.captured) if pcm is not chunk.pcm else chunk)
        if result.ended:
            self._end_user_speech(send_end=True, trail=self._backend.capabilities.trails_speech)

    def _trail(self, chunk: MicChunk) -> None:
        """The user stopped; the service has not taken the turn yet: keep its VAD fed, for a bounded time."""
        assert self._trailing_until is not None
        self._send(chunk)
        if time.monotonic() >= self._trailing_until:
            self._trailing_until = None
            self._backend.send_audio_stream_end()  # models that honour it end the turn; the rest lose nothing

    def _send(self, chunk: MicChunk) -> None:
        self._backend.send_audio(chunk.pcm)
        self.sent_bytes += len(chunk.pcm)
        if self.on_sent is not None:
            self.on_sent(chunk)

    def _barge_in(self) -> None:
        if self.model_speaking:
            self.speaker.flush()
            self._suppress_turn = self._turn_active
        self._echo_until = 0.0
        self._barge.reset()
        self._gate.reset()

    def _user(self, speaking: bool) -> None:
        if speaking != self.user_speaking:
            self.user_speaking = speaking
            self.policy.speaking(speaking)
            self._on_change()

    def _end_user_speech(self, send_end: bool, trail: bool = False) -> None:
        """The user stopped speaking. `trail`: the mic stays open, so keep streaming until the service takes the
        turn (or TRAIL_S passes); otherwise (muted, our own voice) end the stream now."""
        was = self.user_speaking or self._gate.detector.speaking
        self._gate.reset()
        if was and not self.ptt_down:
            if send_end and not self._settings.push_to_talk:
                if trail:
                    self._trailing_until = time.monotonic() + TRAIL_S
                else:
                    self._trailing_until = None
                    self._backend.send_audio_stream_end()
            self.policy.prompted()
        self._user(False)

    # -- status ---------------------------------------------------------------------------------------------
    def status(self) -> VoiceStatus:
        activity: VoiceActivity
        if self.model_speaking:
            activity = "speaking"
        elif self.user_speaking:
            activity = "userSpeaking"
        else:
            activity = "listening" if self.mic_link.on else "idle"
        return VoiceStatus(
            mic=self.mic_link.status(),
            speaker=self.speaker_link.status(),
            activity=activity,
            push_to_talk=self._settings.push_to_talk,
            duplex=self._settings.duplex,
            mic_dropped=self.mic.chunks.dropped,
        )


def _merge(pieces: list[bytes], limit: int) -> list[bytes]:
    """Join consecutive chunks into messages of at most `limit` bytes (a lone chunk passes through unchanged)."""
    if len(pieces) < 2:
        return pieces
    out: list[bytes] = []
    for pcm in pieces:
        if out and len(out[-1]) + len(pcm) <= limit:
            out[-1] += pcm
        else:
            out.append(pcm)
    return out
