"""The offline advisor's voice: speech text, WAV parsing, the command grammar and what each command does."""

from __future__ import annotations

import asyncio
import io
import shutil
import wave
from pathlib import Path

import numpy as np
import pytest

from livepair.context.store import ContextStore
from livepair.live.backend import AudioOut, BackendEvent, Interrupted, Status, Text, Transcript, TurnComplete
from livepair.live.offline import listen
from livepair.live.offline.advisor import NOTHING_SAID, NOTHING_TO_EXPLAIN, QUIET, OfflineBackend
from livepair.live.offline.listen import PHRASES, CommandRecognizer, action_for
from livepair.live.offline.speech import MISSING, Speech, parse_wav, speakable
from livepair.lsp.protocol import TerminalRun
from tests.media.voice.pulse import speech

FAILED = TerminalRun(
    "python f.py", "Traceback (most recent call last):\nZeroDivisionError: division by zero\n", 1, None
)
has_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing (scripts/setup-audio.sh)")


needs_sox = pytest.mark.skipif(shutil.which("sox") is None, reason="sox missing (scripts/setup-audio.sh)")


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


@has_espeak
async def test_speech_renders_24k_audio() -> None:
    speech = Speech()
    pcm = await speech.synthesise("Division by zero on line two.")
    assert speech.available and speech.rate == 24_000
    assert 0.8 < len(pcm) / 2 / 24_000 < 5 and np.abs(np.frombuffer(pcm, "<i2")).max() > 1000
    assert await speech.synthesise("`{}`") == b""  # nothing speakable: no process at all


def test_missing_espeak_has_a_reason() -> None:
    speech = Speech(binary="no-such-espeak-binary")
    assert not speech.available and speech.reason == MISSING


# -- the recogniser on synthetic speech ---------------------------------------------------------------------
@has_espeak
@needs_sox
@pytest.mark.parametrize("phrase", list(PHRASES))
def test_recogniser_hears_each_command(phrase: str) -> None:
    recogniser = CommandRecognizer()
    assert recogniser.available, recogniser.reason  # pocketsphinx is a dependency: missing is a failure
    assert recogniser.recognise(bytes(3200) + speech(phrase, 16_000) + bytes(3200)) == phrase


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
    store.add_terminal_run(FAILED)
    events = await turn(backend)
    assert kinds(events) == ["Text", "AudioOut", "TurnComplete"]
    audio = next(e for e in events if isinstance(e, AudioOut))
    assert audio.rate == 24_000 and speech.said and "zero" in speech.said[0].lower()
    await backend.close()


async def test_quiet_keeps_unprompted_advice_text_only_but_answers_commands(tmp_path: Path) -> None:
    backend, store, _ = await advisor(tmp_path, quiet=True)
    store.add_terminal_run(FAILED)
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
    store.add_terminal_run(FAILED)
    advice = [e.text for e in await turn(backend) if isinstance(e, Text)]
    backend.command("repeat that")
    assert [e.text for e in await turn(backend) if isinstance(e, Text)] == advice
    backend.command("stop")
    assert kinds(await turn(backend)) == ["Transcript", "Interrupted"]
    backend.command("be quiet")
    assert [e.text for e in await turn(backend) if isinstance(e, Text)] == [QUIET] and backend.quiet
    said = len(speech.said)
    store.add_terminal_run(TerminalRun("python g.py", FAILED.output, 1, None))
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
