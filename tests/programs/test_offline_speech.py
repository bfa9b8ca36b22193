"""The offline advisor's voice on real programs: espeak-ng renders speech, pocketsphinx hears the commands in it
and turns down stray speech."""

from __future__ import annotations

import numpy as np
import pytest

from livepair.backends.offline import confidence, listen, tutor_listen
from livepair.backends.offline.listen import PHRASES, CommandRecognizer
from livepair.backends.offline.speech import MISSING, Speech
from tests.media.voice.pulse import speech
from tests.tooling import require_tool

# Not commands: the grammar lands on a decoy for these...
DECOYED = ["the weather is nice today", "can you pass me the salt", "let me think about this for a second"]
DECOYED += ["good morning", "did the build pass", "that looks fine"]
# ...and on a command for these, which confidence.py's checks then turn down.
UNCONVINCING = ["maybe later", "where was I", "turn it off"]


@pytest.fixture(autouse=True)
def _speech_tools() -> None:
    require_tool("espeak-ng", "sox", hint="run scripts/setup-audio.sh as root (make setup)")


async def test_speech_renders_24k_audio() -> None:
    voice = Speech()
    pcm = await voice.synthesise("Division by zero on line two.")
    assert voice.available and voice.rate == 24_000
    assert 0.8 < len(pcm) / 2 / 24_000 < 5 and np.abs(np.frombuffer(pcm, "<i2")).max() > 1000
    assert await voice.synthesise("`{}`") == b""  # nothing speakable: no process at all


def test_missing_espeak_has_a_reason() -> None:
    speech = Speech(binary="no-such-espeak-binary")
    assert not speech.available and speech.reason == MISSING


# -- the recogniser on synthetic speech ---------------------------------------------------------------------
@pytest.mark.parametrize("phrase", list(PHRASES))
def test_recogniser_hears_each_command(phrase: str) -> None:
    recogniser = CommandRecognizer()
    assert recogniser.available, recogniser.reason  # pocketsphinx is a dependency: missing is a failure
    assert recogniser.recognise(bytes(3200) + speech(phrase, 16_000) + bytes(3200)) == phrase


@pytest.mark.parametrize("words", DECOYED + UNCONVINCING)
def test_recogniser_rejects_stray_speech(words: str) -> None:
    recogniser = CommandRecognizer()
    assert recogniser.available, recogniser.reason
    assert recogniser.recognise(bytes(3200) + speech(words, 16_000) + bytes(3200)) is None


@pytest.mark.parametrize("words", UNCONVINCING)
def test_the_checks_turn_down_what_the_grammar_took_for_a_command(words: str) -> None:
    pcm = bytes(3200) + speech(words, 16_000) + bytes(3200)
    decoder = CommandRecognizer()._load()
    hyp, segments = listen.decode(decoder, "commands", pcm)
    _, phones = listen.decode(decoder, "phones", pcm)
    assert hyp in PHRASES
    assert not confidence.plausible(segments, phones, pcm)


# -- the tutor's requests (tutor_listen.py) -----------------------------------------------------------------
def tutor_recogniser() -> CommandRecognizer:
    recogniser = CommandRecognizer()
    assert recogniser.available, recogniser.reason
    recogniser.tutor = True
    return recogniser


@pytest.mark.parametrize("voice", ["en-us", "en-gb"])
@pytest.mark.parametrize("phrase", list(tutor_listen.PHRASES))
def test_in_tutor_mode_each_request_is_heard(phrase: str, voice: str) -> None:
    pcm = bytes(3200) + speech(phrase, 16_000, voice) + bytes(3200)
    assert tutor_recogniser().recognise(pcm) == phrase


def test_outside_tutor_mode_give_me_a_hint_is_not_listened_for() -> None:
    assert CommandRecognizer().recognise(bytes(3200) + speech("give me a hint", 16_000) + bytes(3200)) is None


# Near-misses the shapes search turns away, and ordinary sentences the phrase search alone took for a request.
NOT_REQUESTS = ["give me a hand", "another test", "give me a break", "living in a tent", "never mind"]


@pytest.mark.parametrize("words", NOT_REQUESTS + DECOYED + UNCONVINCING)
def test_in_tutor_mode_other_speech_asks_for_nothing(words: str) -> None:
    assert tutor_recogniser().recognise(bytes(3200) + speech(words, 16_000) + bytes(3200)) is None
