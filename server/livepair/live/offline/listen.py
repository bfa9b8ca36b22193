"""Offline voice commands: pocketsphinx restricted to a small JSGF grammar.

Free dictation is not attempted (offline recognisers are useless at it on real speech): an utterance is decoded
against the few command phrases below. A grammar always yields its nearest phrase, so only short utterances are
decoded at all; anything longer is not a command.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Literal

log = logging.getLogger(__name__)
Action = Literal["explain", "repeat", "stop", "quiet"]
RATE = 16_000
PHRASES: dict[str, Action] = {
    "explain this error": "explain",
    "what's wrong": "explain",
    "repeat that": "repeat",
    "stop": "stop",
    "be quiet": "quiet",
}
GRAMMAR = "#JSGF V1.0;\ngrammar livepair;\npublic <command> = " + " | ".join(PHRASES) + ";\n"
DISTINCT = {"explain", "what's", "repeat"}  # a phrase cut short after one of these is still unambiguous
MIN_BYTES = RATE * 2 // 5  # 0.2 s: shorter is a click, not a word
MAX_BYTES = RATE * 2 * 4  # 4 s: the longest command takes about 1.5 s
MISSING = "Offline voice commands are off: pocketsphinx is not installed (pip install 'pocketsphinx>=5,<6')."


def action_for(phrase: str) -> Action | None:
    """The action a recognised phrase asks for (case and spacing do not matter)."""
    return PHRASES.get(" ".join(phrase.lower().replace("’", "'").split()))


class CommandRecognizer:
    """Decodes one utterance (16 kHz PCM16) into a command phrase. Blocking: call it from a worker thread."""

    def __init__(self) -> None:
        self._decoder: Any = None
        self._lock = threading.Lock()
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
            decoder.activate_search("commands")
            self._decoder = decoder
        return self._decoder

    def recognise(self, pcm16k: bytes) -> str | None:
        """The command phrase heard in `pcm16k`, or None (too short, too long, or nothing matched)."""
        if not self.available or not MIN_BYTES <= len(pcm16k) <= MAX_BYTES:
            return None
        with self._lock:
            decoder = self._load()
            decoder.start_utt()
            decoder.process_raw(pcm16k[: len(pcm16k) // 2 * 2], full_utt=True)
            decoder.end_utt()
            hyp = decoder.hyp()
        return complete(hyp.hypstr if hyp is not None else "")


def complete(hyp: str) -> str | None:
    """The command phrase for a hypothesis; a search cut short ("repeat") counts when its words say enough."""
    words = hyp.lower().split()
    if action_for(hyp) is not None:
        return " ".join(words)
    if not words or words[0] not in DISTINCT:
        return None
    found = [p for p in PHRASES if p.split()[: len(words)] == words]
    return found[0] if len(found) == 1 else None
