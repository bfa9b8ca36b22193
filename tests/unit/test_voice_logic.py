"""Voice without devices: jitter buffer, resampler, VAD gate, the proactivity policy and the controller's gating."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import numpy as np
import pytest

from livepair.backends.backend import Backend, Capabilities
from livepair.config import Settings
from livepair.media.mic import Mic, MicChunk
from livepair.media.pcm import Resampler
from livepair.media.speaker import JitterBuffer, Speaker
from livepair.media.vad import SpeechDetector, SpeechGate
from livepair.session import voice as voice_module
from livepair.session.proactivity import RemarkPolicy
from livepair.session.voice import VoiceController

RATE = 16_000


def tone(ms: int, rate: int = RATE, amp: int = 8000, hz: float = 220.0) -> np.ndarray:
    t = np.arange(rate * ms // 1000) / rate
    # A voiced, speech-like signal: harmonics with a slow amplitude wobble.
    wave = sum(np.sin(2 * np.pi * hz * k * t) / k for k in range(1, 6)) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))
    return (wave / np.max(np.abs(wave)) * amp).astype(np.int16)


def silence(ms: int, rate: int = RATE) -> np.ndarray:
    return np.zeros(rate * ms // 1000, dtype=np.int16)


# -- jitter buffer ------------------------------------------------------------------------------------------
def test_jitter_buffer_waits_for_the_prebuffer_then_plays_in_order() -> None:
    jb = JitterBuffer(24_000, prebuffer_ms=100)
    jb.push(np.arange(1, 1201, dtype=np.int16))  # 50 ms: not enough yet
    out, sounding = jb.pull(240)
    assert not sounding and not out.any()
    jb.push(np.arange(1201, 2401, dtype=np.int16))  # 100 ms buffered: playback starts
    first, sounding = jb.pull(240)
    assert sounding and first[0] == 1 and first[-1] == 240
    rest = np.concatenate([jb.pull(240)[0] for _ in range(9)])
    assert rest[0] == 241 and rest[-1] == 2400
    out, sounding = jb.pull(240)  # underrun: silence, and it rebuffers
    assert not sounding and not out.any()


def test_jitter_buffer_plays_a_short_tail_at_end_of_stream_and_flush_silences_at_once() -> None:
    jb = JitterBuffer(24_000, prebuffer_ms=100)
    jb.push(np.full(480, 7, dtype=np.int16))
    assert not jb.pull(240)[1]
    jb.end_of_stream()
    out, sounding = jb.pull(600)
    assert sounding and (out[:480] == 7).all() and not out[480:].any()
    jb.push(np.full(24_000, 5, dtype=np.int16))
    assert jb.pull(240)[1]
    jb.flush()
    out, sounding = jb.pull(240)
    assert not sounding and not out.any() and jb.buffered == 0


def test_resampler_keeps_length_and_shape_across_chunks() -> None:
    x = tone(1000, 24_000)
    whole = Resampler(24_000, 16_000)(x)
    r = Resampler(24_000, 16_000)
    pieces = np.concatenate([r(x[i : i + 333]) for i in range(0, x.size, 333)])
    assert abs(pieces.size - 16_000) <= 1
    n = min(whole.size, pieces.size)
    assert np.max(np.abs(whole[:n].astype(int) - pieces[:n].astype(int))) <= 1


# -- VAD gate -----------------------------------------------------------------------------------------------
def chunks(samples: np.ndarray, ms: int = 40) -> list[bytes]:
    step = RATE * ms // 1000
    return [samples[i : i + step].tobytes() for i in range(0, samples.size, step)]


def test_gate_sends_speech_with_preroll_and_drops_silence() -> None:
    gate = SpeechGate(SpeechDetector(silence_ms=300), preroll_ms=200, chunk_ms=40)
    stream = np.concatenate([silence(1000), tone(800), silence(1000)])
    sent, events = 0, []
    for i, c in enumerate(chunks(stream)):
        r = gate.feed(c)
        sent += sum(len(p) for p in r.send)
        events += [("start", i)] * r.started + [("end", i)] * r.ended
    assert [e for e, _ in events] == ["start", "end"]
    seconds = sent / 2 / RATE
    assert 0.8 <= seconds <= 0.8 + 0.2 + 0.3 + 0.12  # speech + preroll + hangover (+ frame rounding)


def test_quiet_noise_never_opens_the_gate() -> None:
    gate = SpeechGate(SpeechDetector(), preroll_ms=200, chunk_ms=40)
    rng = np.random.default_rng(1)
    noise = (rng.standard_normal(RATE * 2) * 30).astype(np.int16)  # about -60 dBFS
    assert not any(gate.feed(c).send for c in chunks(noise))


# -- proactivity policy -------------------------------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_balanced_never_speaks_while_typing_or_speaking_and_once_per_interval() -> None:
    clock = Clock()
    p = RemarkPolicy("balanced", interval_s=60, typing_quiet_s=3, clock=clock)
    assert p.may_remark()
    p.typed()
    assert not p.may_remark()
    clock.now += 3.5
    assert p.may_remark()
    p.speaking(True)
    assert not p.may_remark()
    p.speaking(False)
    assert p.admit_turn("failure")  # an unprompted remark: allowed, and it starts the interval
    assert not p.may_remark() and not p.admit_turn("failure")
    clock.now += 61
    assert p.admit_turn("failure")


def test_what_a_turn_answers_decides_whether_it_is_heard() -> None:
    p = RemarkPolicy("chatty", interval_s=0)
    assert not p.admit_turn("explain"), "a hover's explanation is read, not heard"
    assert p.admit_turn("ask") and p.admit_turn("speech")
    p.prompted()
    assert not RemarkPolicy("quiet", interval_s=0).admit_turn("failure"), "quiet: a failure gets a silent hint"
    assert RemarkPolicy("quiet", interval_s=0).admit_turn("ask"), "quiet still answers the user"


def test_prompted_turns_always_play_and_quiet_mode_never_volunteers() -> None:
    quiet = RemarkPolicy("quiet", interval_s=0)
    assert not quiet.admit_turn()
    quiet.prompted()
    assert quiet.admit_turn()
    assert not quiet.admit_turn()
    chatty = RemarkPolicy("chatty", interval_s=3600)
    assert chatty.admit_turn() and chatty.admit_turn()
    chatty.speaking(True)
    assert not chatty.admit_turn()


# -- the controller, with devices replaced by in-memory ones ------------------------------------------------
class MemoryMic(Mic):
    def open(self, loop: asyncio.AbstractEventLoop) -> str:
        self._stream = object()
        self.device_name = "memory mic"
        return self.device_name

    def close(self) -> None:
        self._stream = None

    def failure(self) -> str | None:
        return None


class MemorySpeaker(Speaker):
    def open(self, loop: asyncio.AbstractEventLoop) -> str:
        self._stream = object()
        self._loop = loop
        self.device_name = "memory speaker"
        return self.device_name

    def close(self) -> None:
        self._stream = None

    def failure(self) -> str | None:
        return None

    def render(self, ms: int) -> np.ndarray:
        frames = self.device_rate * ms // 1000
        out = bytearray(frames * 2)
        self._callback(out, frames, None, None)
        return np.frombuffer(bytes(out), dtype=np.int16)


class RecordingBackend:
    name = "memory"
    capabilities = Capabilities(local=False, trails_speech=True)  # as Gemini: speech ends in trailing audio

    def __init__(self) -> None:
        self.sent: list[Any] = []

    def send_audio(self, pcm16k: bytes) -> None:
        self.sent.append(pcm16k)

    def send_activity_start(self) -> None:
        self.sent.append("activity_start")

    def send_activity_end(self) -> None:
        self.sent.append("activity_end")

    def send_audio_stream_end(self) -> None:
        self.sent.append("audio_stream_end")

    def audio_seconds(self) -> float:
        return sum(len(x) for x in self.sent if isinstance(x, bytes)) / 2 / RATE


async def controller(**settings: Any) -> tuple[VoiceController, RecordingBackend, MemorySpeaker]:
    backend = RecordingBackend()
    speaker = MemorySpeaker(jitter_ms=20)
    voice = VoiceController(
        Settings(**{"mic_chunk_ms": 40, **settings}), cast(Backend, backend), lambda: None, MemoryMic(), speaker
    )
    await voice.mic_link.tick()
    await voice.speaker_link.tick()
    assert voice.mic_link.on == voice.mic_link.wanted and voice.speaker_link.on
    return voice, backend, speaker


def feed(voice: VoiceController, samples: np.ndarray) -> None:
    for c in chunks(samples):
        voice._on_chunk(MicChunk(c, 0.0))


async def test_half_duplex_gates_the_mic_while_the_model_speaks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(voice_module, "TRAIL_S", 0.0)  # the stream ends with the first chunk after the speech
    voice, backend, speaker = await controller()
    voice.prompted()
    assert voice.play(tone(500, 24_000).tobytes(), 24_000)
    assert speaker.render(100).any()
    feed(voice, np.concatenate([tone(600), silence(200)]))  # our own voice coming back through the mic
    assert backend.sent == []
    voice.turn_complete()
    speaker.render(1000)  # plays out ...
    assert not speaker.render(10).any() and not speaker.playing  # ... then the echo tail follows
    voice._echo_until = 0.0
    feed(voice, np.concatenate([tone(600), silence(900)]))
    assert backend.audio_seconds() > 0.5 and backend.sent[-1] == "audio_stream_end"


async def test_a_text_only_turn_leaves_the_mic_open_with_its_preroll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(voice_module, "TRAIL_S", 0.0)
    voice, backend, _speaker = await controller()
    feed(voice, silence(400))  # the mic runs while the reply is only text
    voice.turn_complete()  # no audio was played: there is no echo to wait out
    speech = tone(600)
    feed(voice, np.concatenate([speech, silence(900)]))
    # All of the speech goes out, onset included, after pre-roll silence (a clipped onset is misheard).
    assert backend.audio_seconds() >= 0.6 + 0.2 and backend.sent[-1] == "audio_stream_end"


async def test_after_speech_the_mic_streams_until_the_service_takes_the_turn() -> None:
    """3.8 ignores audioStreamEnd and hears the end of speech only in trailing audio (field report): the mic
    keeps streaming after the local gate closes, until the model's turn starts; then nothing more goes."""
    voice, backend, _speaker = await controller()
    feed(voice, np.concatenate([tone(600), silence(900)]))
    assert "audio_stream_end" not in backend.sent
    before = backend.audio_seconds()
    feed(voice, silence(400))
    assert backend.audio_seconds() == pytest.approx(before + 0.4, abs=0.05), "trailing audio keeps flowing"
    voice.turn_started("speech")
    feed(voice, silence(400))
    assert backend.audio_seconds() == pytest.approx(before + 0.4, abs=0.05) and "audio_stream_end" not in backend.sent


async def test_full_duplex_and_barge_in_let_the_user_through() -> None:
    voice, backend, _ = await controller(duplex="full")
    voice.prompted()
    voice.play(tone(500, 24_000).tobytes(), 24_000)
    feed(voice, tone(600))
    assert backend.audio_seconds() > 0.4

    voice, backend, speaker = await controller(barge_in=True)
    voice.prompted()
    voice.play(tone(3000, 24_000).tobytes(), 24_000)
    assert speaker.render(50).any()
    feed(voice, tone(200, amp=200))  # quiet echo: below the raised barge-in threshold
    assert backend.sent == [] and speaker.playing
    feed(voice, tone(600, amp=12000))  # the user talks over the reply
    assert backend.audio_seconds() > 0.2
    assert not speaker.render(20).any(), "playback was flushed"
    assert not voice.play(tone(100, 24_000).tobytes(), 24_000), "the rest of the interrupted turn stays silent"


async def test_push_to_talk_sends_activity_signals_and_nothing_else() -> None:
    voice, backend, _ = await controller(push_to_talk=True)
    feed(voice, tone(400))
    assert backend.sent == []
    voice.push_to_talk(True)
    feed(voice, np.concatenate([silence(200), tone(400)]))  # everything while held, silence included
    voice.push_to_talk(False)
    feed(voice, tone(400))
    assert backend.sent[0] == "activity_start" and backend.sent[-1] == "activity_end"
    assert backend.audio_seconds() == pytest.approx(0.6, abs=0.05)


async def test_unprompted_speech_is_kept_silent_in_quiet_mode_and_muting_stops_sending() -> None:
    voice, backend, speaker = await controller(proactivity="quiet")
    assert not voice.play(tone(300, 24_000).tobytes(), 24_000)
    assert not speaker.render(100).any()
    voice.turn_complete()
    voice._echo_until = 0.0
    assert voice.toggle_mic() is False
    await voice.mic_link.tick()
    assert voice.mic_link.status().state == "muted"
    feed(voice, tone(600))
    assert backend.sent == []


async def test_holding_the_key_without_push_to_talk_mode_sends_no_activity_signals() -> None:
    voice, backend, _ = await controller()  # automatic activity detection is on: activityStart would be refused
    voice.push_to_talk(True)
    feed(voice, silence(200))
    voice.push_to_talk(False)
    assert "activity_start" not in backend.sent and backend.sent[-1] == "audio_stream_end"
    assert backend.audio_seconds() == pytest.approx(0.2, abs=0.03)


async def test_toggle_turns_a_disabled_mic_on() -> None:
    voice, _, _ = await controller(mic_enabled=False)
    await voice.mic_link.tick()
    assert voice.mic_link.state == "off"
    assert voice.toggle_mic() is True
    await voice.mic_link.tick()
    assert voice.mic_link.state == "on"
