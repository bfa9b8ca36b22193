"""Was a grammar match really said? Checks on one decoded utterance (pure: listen.py runs the decoder).

The grammar search always lands on its nearest phrase (or decoy), so a command must also pass two checks:

- fit: per frame of speech, the phrase's acoustic score is not far below that of a free phone loop over the same
  audio (when it is, some other sound sequence explains the audio much better);
- hidden speech: the alignment does not call loud audio "silence" (the rest of a longer sentence parked around a
  short phrase).

The thresholds were set on espeak-ng speech (4 voices x 3 speeds, clean and at 20 dB SNR). With the grammar's
decoys, 2 of 75 spoken commands were lost (to decoys) and 76 of 1306 other utterances still passed, mostly
near-misses ("be quick", "what's long", "hop", "repeat it"); the bare grammar let 796 of them through.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

FRAME = 160  # samples per decoder frame: 10 ms at 16 kHz
MIN_FIT = -40.0  # per speech frame, in the decoder's log units: the worst spoken command scored -39
MAX_HIDDEN = 12  # frames of loud audio the alignment may call silence: a command's loose alignment reached 10
EDGE = 6  # frames beside a word where its onset or tail may sit in "silence" (alignments are loose at the edges)
LOUD_DB = 20.0  # loud: within this of the utterance's peak...
FLOOR_DB = 10.0  # ...and this far above its noise floor
SILENT_DB = 40.0  # a loudest frame below this (about -50 dBFS) holds no speech at all


class Seg(NamedTuple):
    """One word (or phone) of a decoder segmentation."""

    word: str
    start: int  # first frame
    end: int  # last frame, inclusive
    score: int  # acoustic log score over those frames


def is_filler(word: str) -> bool:
    """Silence and noise entries: <sil>, [NOISE], (NULL) in a grammar search; SIL, +NSN+ in a phone loop."""
    return word.startswith(("<", "[", "(", "+")) or word == "SIL"


def fit(words: Sequence[Seg], phones: Sequence[Seg]) -> float:
    """How much worse the grammar's path scores than the free phone loop's, per frame of speech (0 is as good)."""
    speech = sum(s.end - s.start + 1 for s in words if not is_filler(s.word))
    return (sum(s.score for s in words) - sum(s.score for s in phones)) / max(speech, 1)


def frame_db(pcm16k: bytes) -> np.ndarray:
    """The level of each decoder frame, in dB over one LSB (a full-scale sine is about 87)."""
    samples = np.frombuffer(pcm16k[: len(pcm16k) // 2 * 2], dtype="<i2").astype(np.float64)
    n = samples.size // FRAME
    return 10 * np.log10(np.mean(samples[: n * FRAME].reshape(n, FRAME) ** 2, axis=1) + 1.0)


def silent(pcm16k: bytes) -> bool:
    """Nothing in `pcm16k` is loud enough to be speech (the grammar would still name a phrase for it)."""
    db = frame_db(pcm16k)
    return db.size == 0 or float(db.max()) < SILENT_DB


def loud_frames(pcm16k: bytes) -> np.ndarray:
    """Per decoder frame: is it loud relative to this utterance's own peak and noise floor?"""
    db = frame_db(pcm16k)
    if db.size == 0:
        return np.zeros(0, dtype=bool)
    return db > max(float(db.max()) - LOUD_DB, float(np.percentile(db, 10)) + FLOOR_DB)


def hidden_speech(words: Sequence[Seg], pcm16k: bytes) -> int:
    """Loud frames the alignment put in silence, not counting the EDGE frames beside each word."""
    loud = loud_frames(pcm16k)
    near_word = np.zeros(loud.size, dtype=bool)
    for s in words:
        if not is_filler(s.word):
            near_word[max(s.start - EDGE, 0) : s.end + 1 + EDGE] = True
    return int(np.count_nonzero(loud & ~near_word))


def plausible(words: Sequence[Seg], phones: Sequence[Seg], pcm16k: bytes) -> bool:
    """Both checks: the phrase fits the audio about as well as free phones do, and no speech hides in silence."""
    return fit(words, phones) >= MIN_FIT and hidden_speech(words, pcm16k) <= MAX_HIDDEN
