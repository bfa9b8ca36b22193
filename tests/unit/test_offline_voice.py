"""The offline advisor's voice: speech text, WAV parsing, the command grammar and what each command does."""

from __future__ import annotations

import asyncio
import io
import wave
from pathlib import Path

import numpy as np
import pytest

from livepair.backends.backend import (
    AudioOut,
    BackendEvent,
    Failure,
    Interrupted,
    Status,
    Text,
    Transcript,
    TurnComplete,
)
from livepair.backends.offline import confidence, listen, tutor_listen
from livepair.backends.offline.advisor import NOTHING_SAID, NOTHING_TO_EXPLAIN, QUIET, OfflineBackend
from livepair.backends.offline.confidence import Seg
from livepair.backends.offline.listen import DECOYS, PHRASES, CommandRecognizer, action_for
from livepair.backends.offline.speech import Speech, parse_wav, speakable
from livepair.context.store import ContextStore
from livepair.model import TerminalRun

FAILED = TerminalRun(
    "python f.py", "Traceback (most recent call last):\nZeroDivisionError: division by zero\n", 1, None
)


# -- mapping and text ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("phrase", "action"),
    [
        ("explain this error", "explain"),
        ("what's wrong", "explain"),
        ("What’s  wrong", "explain"),
        ("repeat that", "repeat"),
        ("stop", "stop"),
        ("be quiet", "quiet"),
        ("hello", None),
        ("", None),
    ],
)
def test_phrases_map_to_actions(phrase: str, action: str | None) -> None:
    assert action_for(phrase) == action


def test_grammar_lists_every_phrase() -> None:
    assert all(p in listen.GRAMMAR for p in PHRASES)


def test_speakable_drops_code_json_and_placeholders() -> None:
    text = 'Use `Path(__file__)`. {"path": "f.py", "line": 3} Set <YOUR_KEY> in {env}.\n```py\nx = 1\n```'
    spoken = speakable(text)
    assert "{" not in spoken and "`" not in spoken and "<" not in spoken and "x = 1" not in spoken
    assert spoken.startswith("Use Path(") and "Set in ." in spoken
    assert len(speakable("A sentence. " * 200)) <= 600


def test_parse_wav_reads_a_standard_file() -> None:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22_050)
        w.writeframes(np.arange(100, dtype="<i2").tobytes())
    samples, rate = parse_wav(buf.getvalue())
    assert rate == 22_050 and samples.tolist() == list(range(100))
    with pytest.raises(ValueError):
        parse_wav(b"not a wav")


@pytest.mark.parametrize("level", [0, 30, 300, 3000, 12_000])
def test_recogniser_rejects_silence_and_white_noise(level: int) -> None:
    rng = np.random.default_rng(level)
    for seconds in (0.5, 1.0, 2.0):
        noise = np.clip(rng.normal(0, level, int(16_000 * seconds)), -32768, 32767).astype("<i2").tobytes()
        assert CommandRecognizer().recognise(noise) is None, f"{seconds} s of noise at rms {level}"


def test_no_decoy_is_a_command_or_its_start() -> None:
    assert all(listen.complete(decoy) is None for decoy in DECOYS)
    assert all(decoy in listen.GRAMMAR for decoy in DECOYS)


def tone(frames: int, rms: float) -> bytes:
    """`frames` decoder frames (10 ms each) of a 440 Hz tone at `rms`."""
    t = np.arange(frames * confidence.FRAME) / 16_000
    return (np.sin(2 * np.pi * 440 * t) * rms * np.sqrt(2)).astype("<i2").tobytes()


def test_fit_is_the_score_gap_to_free_phones_per_frame_of_speech() -> None:
    words = [Seg("<sil>", 0, 9, -100), Seg("stop", 10, 29, -900), Seg("(NULL)", 29, 29, 0), Seg("<sil>", 30, 39, -100)]
    phones = [Seg("SIL", 0, 9, -100), Seg("S", 10, 14, -200), Seg("T", 15, 29, -300), Seg("SIL", 30, 39, -100)]
    assert confidence.fit(words, phones) == (-900 + 500) / 20  # over the 20 frames of "stop"; silences score alike
    assert confidence.fit(words, words) == 0


def test_loud_audio_the_alignment_calls_silence_is_hidden_speech() -> None:
    pcm = tone(10, 0) + tone(30, 3000) + tone(20, 0) + tone(30, 3000) + tone(10, 0)  # speech at 10-39 and 60-89
    stop = Seg("stop", 10, 39, -900)
    assert confidence.hidden_speech([Seg("<sil>", 0, 9, -50), stop, Seg("<sil>", 40, 99, -900)], pcm) == 30
    assert confidence.hidden_speech([stop, Seg("<sil>", 40, 59, -50), Seg("stop", 60, 89, -900)], pcm) == 0
    loose = [Seg("stop", 10, 35, -900), Seg("<sil>", 36, 59, -50)]  # the word's tail is a few frames into silence
    assert confidence.hidden_speech(loose, tone(10, 0) + tone(30, 3000)) == 0
    phones = [Seg("SIL", 0, 99, -1000)]
    assert confidence.plausible([stop, Seg("stop", 60, 89, -900)], phones, pcm)
    assert not confidence.plausible([stop, Seg("<sil>", 40, 99, -900)], phones, pcm)  # 30 frames hidden
    assert not confidence.plausible([stop, Seg("stop", 60, 89, -3000)], phones, pcm)  # fit far below free phones


def test_silence_and_a_whisper_are_silent() -> None:
    assert confidence.silent(b"") and confidence.silent(bytes(16_000)) and confidence.silent(tone(50, 50))
    assert not confidence.silent(tone(50, 3000))


@pytest.mark.parametrize(
    ("hyp", "phrase"),
    [
        ("repeat", "repeat that"),
        ("explain this", "explain this error"),
        ("what's", "what's wrong"),
        ("be", None),
        ("stop", "stop"),
        ("", None),
        ("that", None),
    ],
)
def test_a_search_cut_short_completes_only_when_unambiguous(hyp: str, phrase: str | None) -> None:
    assert listen.complete(hyp) == phrase


def test_recogniser_ignores_clicks_and_long_speech() -> None:
    recogniser = CommandRecognizer()
    assert recogniser.recognise(bytes(1000)) is None
    assert recogniser.recognise(bytes(listen.MAX_BYTES + 2)) is None


# -- the advisor's behaviour --------------------------------------------------------------------------------
class FakeSpeech(Speech):
    def __init__(self) -> None:
        super().__init__(binary=None)
        self.binary, self.reason, self.said = "fake", "", list[str]()

    async def synthesise(self, text: str) -> bytes:
        self.said.append(text)
        return b"\x01\x00" * 240


class FakeListener(CommandRecognizer):
    def __init__(self, phrase: str | None) -> None:
        super().__init__()
        self.reason, self.phrase, self.heard = "", phrase, list[int]()

    def recognise(self, pcm16k: bytes) -> str | None:
        self.heard.append(len(pcm16k))
        return self.phrase


async def advisor(
    tmp_path: Path, quiet: bool = False, phrase: str | None = None
) -> tuple[OfflineBackend, ContextStore, FakeSpeech]:
    store = ContextStore(lambda uri: None)
    store.root = tmp_path
    speech = FakeSpeech()
    backend = OfflineBackend(store, speech=speech, listener=FakeListener(phrase), quiet=quiet)
    await backend.start()
    return backend, store, speech


def fail(backend: OfflineBackend, store: ContextStore, run: TerminalRun) -> None:
    """A run fails in the terminal: the session tells the backend (as `PairSession` does)."""
    store.add_terminal_run(run)
    backend.notice_failure(Failure(f"run:{run.command}", run.output, run))


async def turn(backend: OfflineBackend) -> list[BackendEvent]:
    """Events up to and including the next TurnComplete or Interrupted (Status events skipped)."""
    out: list[BackendEvent] = []
    while not out or not isinstance(out[-1], TurnComplete | Interrupted):
        event = await asyncio.wait_for(backend.next_event(), 10)
        if not isinstance(event, Status):
            out.append(event)
    return out


def kinds(events: list[BackendEvent]) -> list[str]:
    return [type(e).__name__ for e in events if type(e).__name__ != "ToolCall"]


async def test_advice_is_text_then_speech_then_turn_end(tmp_path: Path) -> None:
    backend, store, speech = await advisor(tmp_path)
    fail(backend, store, FAILED)
    events = await turn(backend)
    assert kinds(events) == ["Text", "AudioOut", "TurnComplete"]
    audio = next(e for e in events if isinstance(e, AudioOut))
    assert audio.rate == 24_000 and speech.said and "zero" in speech.said[0].lower()
    await backend.close()


async def test_quiet_keeps_unprompted_advice_text_only_but_answers_commands(tmp_path: Path) -> None:
    backend, store, _ = await advisor(tmp_path, quiet=True)
    fail(backend, store, FAILED)
    assert kinds(await turn(backend)) == ["Text", "TurnComplete"]
    backend.command("what's wrong")
    events = await turn(backend)
    assert isinstance(events[0], Transcript) and events[0].role == "user" and events[0].text == "what's wrong"
    assert kinds(events) == ["Transcript", "Text", "AudioOut", "TurnComplete"]
    await backend.close()


async def test_commands(tmp_path: Path) -> None:
    backend, store, speech = await advisor(tmp_path)
    backend.command("repeat that")
    assert [e.text for e in await turn(backend) if isinstance(e, Text)] == [NOTHING_SAID]
    backend.command("explain this error")
    assert [e.text for e in await turn(backend) if isinstance(e, Text)] == [NOTHING_TO_EXPLAIN]
    fail(backend, store, FAILED)
    advice = [e.text for e in await turn(backend) if isinstance(e, Text)]
    backend.command("repeat that")
    assert [e.text for e in await turn(backend) if isinstance(e, Text)] == advice
    backend.command("stop")
    assert kinds(await turn(backend)) == ["Transcript", "Interrupted"]
    backend.command("be quiet")
    assert [e.text for e in await turn(backend) if isinstance(e, Text)] == [QUIET] and backend.quiet
    said = len(speech.said)
    fail(backend, store, TerminalRun("python g.py", FAILED.output, 1, None))
    assert "AudioOut" not in kinds(await turn(backend)) and len(speech.said) == said
    await backend.close()


async def test_an_utterance_is_decoded_when_the_stream_pauses(tmp_path: Path) -> None:
    backend, _, _ = await advisor(tmp_path, phrase="repeat that")
    backend.send_audio(bytes(6400))
    backend.send_audio(bytes(6400))
    backend.send_audio_stream_end()
    events = await turn(backend)
    assert isinstance(events[0], Transcript) and events[0].text == "repeat that"
    listener = backend._listener
    assert isinstance(listener, FakeListener) and listener.heard == [12800]
    await backend.close()


async def test_the_tutors_requests_are_listened_for_only_in_tutor_mode(tmp_path: Path) -> None:
    backend, _, _ = await advisor(tmp_path)
    listener = backend._listener
    assert isinstance(listener, FakeListener) and not listener.tutor
    backend.set_tutor("beginner")
    assert listener.tutor
    backend.set_tutor(None)
    assert not listener.tutor
    await backend.close()


def test_the_tutors_phrases_map_to_the_ladder_and_none_is_a_decoy() -> None:
    assert [action_for(p) for p in tutor_listen.PHRASES] == ["hint", "hint", "fix"]
    shapes = tutor_listen.shapes_grammar()
    assert all(p in shapes and p in tutor_listen.phrases_grammar() for p in tutor_listen.PHRASES)
    assert not set(tutor_listen.SLOT) & {"hint", "fix"}, "a decoy sentence would be a request itself"
