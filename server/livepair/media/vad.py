"""Local voice activity detection (webrtcvad) and the gate that decides which mic audio is sent.

Silence is never streamed: the model is billed for every second it hears, and its own server-side detection ends
a turn sooner when the stream pauses. A short pre-roll keeps the first syllable of an utterance that started
before the detector was sure, so short utterances are not lost.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import webrtcvad

from livepair.media.pcm import rms_dbfs, to_samples

RATE = 16_000
FRAME_MS = 30
FRAME_BYTES = RATE * FRAME_MS // 1000 * 2


class SpeechDetector:
    """webrtcvad on 30 ms frames plus a loudness floor, with hysteresis.

    Speech starts after `start_ms` of voiced frames in a row and ends after `silence_ms` without one. A raised
    threshold (higher floor, longer start) is used for barge-in while LivePair itself is speaking.
    """

    def __init__(self, mode: int = 3, start_ms: int = 60, silence_ms: int = 600, min_dbfs: float = -55.0) -> None:
        self._vad = webrtcvad.Vad(mode)
        self._start_frames = max(1, start_ms // FRAME_MS)
        self._end_frames = max(1, silence_ms // FRAME_MS)
        self.min_dbfs = min_dbfs
        self._rest = b""
        self._voiced = 0
        self._unvoiced = 0
        self.speaking = False

    def reset(self) -> None:
        self._rest = b""
        self._voiced = self._unvoiced = 0
        self.speaking = False

    def voiced(self, frame: bytes) -> bool:
        return rms_dbfs(to_samples(frame)) >= self.min_dbfs and self._vad.is_speech(frame, RATE)

    def feed(self, pcm: bytes) -> tuple[bool, bool]:
        """Process a chunk; returns (started, ended) for transitions inside it."""
        data = self._rest + pcm
        started = ended = False
        whole = len(data) - len(data) % FRAME_BYTES
        for off in range(0, whole, FRAME_BYTES):
            if self.voiced(data[off : off + FRAME_BYTES]):
                self._voiced += 1
                self._unvoiced = 0
                if not self.speaking and self._voiced >= self._start_frames:
                    self.speaking = started = True
            else:
                self._voiced = 0
                self._unvoiced += 1
                if self.speaking and self._unvoiced >= self._end_frames:
                    self.speaking = False
                    ended = True
        self._rest = data[whole:]
        return started, ended


@dataclass
class GateResult:
    send: list[bytes] = field(default_factory=list)
    started: bool = False
    ended: bool = False


class SpeechGate:
    """Passes mic chunks while the user speaks (plus pre-roll and hangover), drops silence."""

    def __init__(self, detector: SpeechDetector, preroll_ms: int, chunk_ms: int) -> None:
        self.detector = detector
        self._preroll: deque[bytes] = deque(maxlen=max(1, preroll_ms // max(1, chunk_ms)))

    def reset(self) -> None:
        self.detector.reset()
        self._preroll.clear()

    def feed(self, chunk: bytes) -> GateResult:
        was = self.detector.speaking
        started, ended = self.detector.feed(chunk)
        if started and not was:
            out = GateResult([*self._preroll, chunk], started=True, ended=ended and not self.detector.speaking)
            self._preroll.clear()
            return out
        if was or self.detector.speaking:
            return GateResult([chunk], ended=ended and not self.detector.speaking)
        self._preroll.append(chunk)
        return GateResult()
