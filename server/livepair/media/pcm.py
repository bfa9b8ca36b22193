"""PCM16 helpers shared by the mic and the speaker: conversion, a streaming resampler and loudness."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.int16]


def to_samples(pcm: bytes) -> Samples:
    return np.frombuffer(pcm, dtype="<i2")


def rms_dbfs(samples: Samples) -> float:
    """Loudness of a block in dB relative to full scale (-120 for digital silence)."""
    if samples.size == 0:
        return -120.0
    power = float(np.mean(np.square(samples.astype(np.float32)))) / (32768.0**2)
    return 10.0 * float(np.log10(power)) if power > 1e-12 else -120.0


class Resampler:
    """Linear-interpolation resampler that keeps its phase across chunks, so chunk edges do not click.

    Speech at 16/24 kHz needs no better filter for playback or for the model's input; the device or the sound
    server does its own high-quality conversion when it accepts our rate, which is the common case.
    """

    def __init__(self, src_rate: int, dst_rate: int) -> None:
        self.src_rate = src_rate
        self.dst_rate = dst_rate
        self._step = src_rate / dst_rate
        self._pos = 0.0  # position of the next output sample, in input samples relative to the held sample
        self._held: float | None = None  # last input sample of the previous chunk

    def __call__(self, samples: Samples) -> Samples:
        if self.src_rate == self.dst_rate or samples.size == 0:
            return samples
        x = samples.astype(np.float32)
        if self._held is not None:
            x = np.concatenate(([self._held], x)).astype(np.float32)
        last = x.size - 1
        positions = np.arange(self._pos, last, self._step, dtype=np.float64)
        out = np.interp(positions, np.arange(x.size), x)
        self._pos = float(positions[-1] + self._step - last) if positions.size else self._pos - last
        self._held = float(x[-1])
        return np.clip(np.rint(out), -32768, 32767).astype(np.int16)
