"""Offline voice commands: pocketsphinx restricted to a small JSGF grammar.

Free dictation is not attempted (offline recognisers are useless at it on real speech): an utterance is decoded
against the few command phrases below. A grammar always yields its nearest phrase, so stray speech and noise are
kept out in layers: only short, audible utterances are decoded at all; the grammar also holds decoys (common words
and near-misses) for stray speech to land on; and a command must pass the checks of confidence.py.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Literal

from livepair.backends.offline import tutor_listen
from livepair.backends.offline.confidence import Seg, fit, hidden_speech, plausible, silent

log = logging.getLogger(__name__)
Action = Literal["explain", "repeat", "stop", "quiet", "hint", "fix"]
RATE = 16_000
PHRASES: dict[str, Action] = {
    "explain this error": "explain",
    "what's wrong": "explain",
    "repeat that": "repeat",
    "stop": "stop",
    "be quiet": "quiet",
    # tutor mode (teaching.py). "give me a hint" is not here: against espeak-ng voices the decoder took it for a
    # decoy ("it", "okay") every time, at any command weight tried. tutor_listen.py hears it, in tutor mode.
    "show me the fix": "fix",
}
# Words a stray utterance sounds like more than it sounds like a command. Each is a single alternative, not a loop:
# a loop of words can be strung together to beat a real command, whose match on unfamiliar voices is loose.
# Not "top", "so", "hello", "like" or "the": on synthetic voices they beat a spoken "stop" or "be quiet" too often.
DECOYS = (
    "shop", "stock", "step", "stuff", "quite", "be careful", "what's that", "what's this", "what is", "repeat after",
    "this", "that", "error", "yes", "no", "okay", "thanks", "sure", "right", "wait", "oh", "well", "and", "i", "you",
    "it", "is", "what", "why", "now", "see", "think", "mean", "just",
)  # fmt: skip
COMMAND_WEIGHT = 10  # the commands together are ten times as likely as one decoy: decoys took 5 of 75 commands at 1
GRAMMAR = (
    "#JSGF V1.0;\ngrammar livepair;\npublic <utterance> = "
    + f"/{COMMAND_WEIGHT}/ ({' | '.join(PHRASES)})"
    + "".join(f" | /1/ {decoy}" for decoy in DECOYS)
    + ";\n"
)
DISTINCT = {"explain", "what's", "repeat", "show"}  # a phrase cut short after one of these is still unambiguous
MIN_BYTES = RATE * 2 // 5  # 0.2 s: shorter is a click, not a word
MAX_BYTES = RATE * 2 * 4  # 4 s: the longest command takes about 1.5 s
MISSING = "Offline voice commands are off: pocketsphinx is not installed (pip install 'pocketsphinx>=5,<6')."


TYPED: dict[str, Action] = {**PHRASES, **tutor_listen.PHRASES}  # what may be asked in writing, or heard


def action_for(phrase: str) -> Action | None:
    """The action a recognised phrase asks for (case and spacing do not matter)."""
    return TYPED.get(" ".join(phrase.lower().replace("’", "'").split()))


class CommandRecognizer:
    """Decodes one utterance (16 kHz PCM16) into a command phrase. Blocking: call it from a worker thread."""

    def __init__(self) -> None:
        self._decoder: Any = None
        self._tutor_decoder: Any = None
        self._lock = threading.Lock()
        self.tutor = False  # in tutor mode the tutor's phrases are listened for too (tutor_listen.py)
        self.reason = ""
        try:
            import pocketsphinx  # noqa: F401  (the decoder itself loads lazily: ~0.1 s)
        except ImportError:
            self.reason = MISSING

    @property
    def available(self) -> bool:
        return not self.reason

    def _load(self) -> Any:
        if self._decoder is None:
            from pocketsphinx import Decoder

            decoder = Decoder(lm=None, bestpath=False, loglevel="FATAL")  # bestpath lost "explain this error"
            decoder.add_jsgf_string("commands", GRAMMAR)
            decoder.add_allphone_file("phones")  # any phones, equally likely: the yardstick for `fit`
            self._decoder = decoder
        return self._decoder

    def recognise(self, pcm16k: bytes) -> str | None:
        """The command phrase heard in `pcm16k`, or None (too short, too long, a decoy, or not convincing)."""
        if not self.available or not MIN_BYTES <= len(pcm16k) <= MAX_BYTES:
            return None
        pcm = pcm16k[: len(pcm16k) // 2 * 2]
        if silent(pcm):
            return None
        with self._lock:
            decoder = self._load()
            hyp, words = decode(decoder, "commands", pcm)
            phrase = complete(hyp)  # None for a decoy: no decoy is a command or the start of one
            phones: list[Seg] | None = None
            if phrase is not None:
                _, phones = decode(decoder, "phones", pcm)
                if convincing(phrase, words, phones, pcm):
                    return phrase
            if not self.tutor:
                return None
            # In tutor mode what the command grammar did not hear may still be a request for a hint or the fix.
            phrase, words = self._tutor_phrase(pcm)
            if phrase is None:
                return None
            if phones is None:
                _, phones = decode(decoder, "phones", pcm)
        return phrase if convincing(phrase, words, phones, pcm) else None

    def _tutor_phrase(self, pcm: bytes) -> tuple[str | None, list[Seg]]:
        """A tutor phrase the phrase search names and the shapes search confirms (tutor_listen.py)."""
        if self._tutor_decoder is None:
            self._tutor_decoder = tutor_listen.load()
        hyp, words = decode(self._tutor_decoder, "phrases", pcm)
        if hyp not in tutor_listen.PHRASES:
            return None, []
        shaped, _ = decode(self._tutor_decoder, "shapes", pcm)
        if shaped != hyp:
            log.info("offline voice: %r heard as %r, not a request", hyp, shaped)
            return None, []
        return hyp, words


def convincing(phrase: str, words: list[Seg], phones: list[Seg], pcm: bytes) -> bool:
    """confidence.py's checks, with a log line when they turn a match down."""
    if plausible(words, phones, pcm):
        return True
    log.info(
        "offline voice: %r rejected (fit %.1f, %d frames of hidden speech)",
        phrase, fit(words, phones), hidden_speech(words, pcm),
    )  # fmt: skip
    return False


def decode(decoder: Any, search: str, pcm: bytes) -> tuple[str, list[Seg]]:
    """One utterance through one search: the hypothesis and its segmentation, with scores in log units."""
    decoder.activate_search(search)
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()
    hyp = decoder.hyp()
    if hyp is None:
        return "", []
    log_of = decoder.logmath.log  # the bindings hand scores over as probabilities
    return hyp.hypstr, [Seg(s.word, s.start_frame, s.end_frame, int(log_of(s.ascore))) for s in decoder.seg()]


def complete(hyp: str) -> str | None:
    """The command phrase for a hypothesis; a search cut short ("repeat") counts when its words say enough."""
    words = hyp.lower().split()
    if action_for(hyp) is not None:
        return " ".join(words)
    if not words or words[0] not in DISTINCT:
        return None
    found = [p for p in PHRASES if p.split()[: len(words)] == words]
    return found[0] if len(found) == 1 else None
