"""What the simulated service hears the user say: the transcription of an utterance (`inputTranscription`).

The real service runs speech recognition on the user's audio and sends what it heard as `inputTranscription`
(API reference: "input_transcription ... sent independently of the other server messages"). The simulator has no
recogniser; a test that wants its spoken words heard speaks them in `ToneWords`: each phrase of a small vocabulary
is a tone of its own pitch, and hearing is finding the loudest pitch in the utterance. The audio is real PCM that
goes through the daemon's real microphone path (a virtual PulseAudio mic, its VAD gate, the SDK's socket); only
the recognition is coded.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

RATE = 16_000
BASE_HZ = 400.0
STEP_HZ = 80.0  # far enough apart that a 0.5 s tone is never taken for its neighbour
AMPLITUDE = 8000  # about -12 dBFS: speech to any VAD


class ToneWords:
    def __init__(self, vocabulary: Sequence[str]) -> None:
        self.vocabulary = list(vocabulary)

    def pitch(self, words: str) -> float:
        return BASE_HZ + STEP_HZ * self.vocabulary.index(words)

    def say(self, words: str, seconds: float = 0.6) -> bytes:
        """`words` spoken: 16 kHz mono PCM16, voiced as a VAD expects speech (harmonics over a fundamental at the
        phrase's pitch, a syllable-rate wobble), with 20 ms fades so the edges carry no clicks."""
        t = np.arange(int(RATE * seconds)) / RATE
        f0 = self.pitch(words)
        wave = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 6)) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))
        fade = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.02)
        return (wave / np.max(np.abs(wave)) * fade * AMPLITUDE).astype("<i2").tobytes()

    def hear(self, pcm: bytes) -> str:
        """What the speech in `pcm` says: each stretch of speech between pauses heard on its own, joined by spaces
        (a turn the service ended late holds two utterances, and its transcript both: field report,
        ../shared/facts/live-api.md); "" when none is of the vocabulary."""
        x = np.frombuffer(pcm[: len(pcm) // 2 * 2], "<i2").astype(np.float64)
        block = RATE // 50  # 20 ms
        n = x.size // block
        loud = np.sqrt(np.mean(x[: n * block].reshape(n, block) ** 2, axis=1)) > AMPLITUDE / 20 if n else np.zeros(0)
        words, start = [], None
        for i, on in enumerate([*loud, False]):
            if on and start is None:
                start = i
            elif not on and start is not None:
                words.append(self._phrase(x[start * block : i * block]))
                start = None
        return " ".join(w for w in words if w)

    def _phrase(self, x: np.ndarray) -> str:
        """The phrase one stretch of speech says ("" when none, or too short to tell)."""
        if x.size < RATE // 10 or not self.vocabulary:
            return ""
        spectrum = np.abs(np.fft.rfft(x * np.hanning(x.size)))
        peak = float(np.fft.rfftfreq(x.size, 1 / RATE)[int(np.argmax(spectrum))])
        k = round((peak - BASE_HZ) / STEP_HZ)
        close = 0 <= k < len(self.vocabulary) and abs(peak - self.pitch(self.vocabulary[k])) < STEP_HZ / 4
        return self.vocabulary[k] if close else ""
