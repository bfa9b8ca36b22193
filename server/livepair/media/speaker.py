"""Playback of the model's 24 kHz PCM16 through a small jitter buffer, flushed at once on interruption.

The loop thread pushes samples; the PortAudio callback thread pulls them. Both touch the buffer only under a
lock held for a few deque operations, so the callback never waits on anything slow.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np

from livepair.media import devices
from livepair.media.pcm import Resampler, Samples, to_samples

log = logging.getLogger(__name__)
MODEL_RATE = 24_000
BLOCK_MS = 10
# Device buffer: what still plays after a flush. PortAudio's "low" (~9 ms on ALSA) underruns on a busy 2-core
# machine; 40 ms plays smoothly and keeps a barge-in well inside its 150 ms budget.
LATENCY_S = 0.04
MAX_BUFFER_S = 300  # a bound, not a target: replies arrive faster than real time


class JitterBuffer:
    """Holds `prebuffer_ms` before playing so bursty network delivery plays smoothly; rebuffers after an underrun.

    `end_of_stream()` plays out a short remainder that never reaches the prebuffer (the end of a reply).
    """

    def __init__(self, rate: int, prebuffer_ms: int) -> None:
        self.rate = rate
        self.prebuffer = rate * prebuffer_ms // 1000
        self._chunks: deque[Samples] = deque()
        self._head = 0  # samples already played from _chunks[0]
        self._size = 0
        self._priming = True
        self._eos = False
        self._lock = threading.Lock()
        self.dropped = 0

    @property
    def buffered(self) -> int:
        return self._size

    def push(self, samples: Samples) -> None:
        with self._lock:
            self._chunks.append(samples)
            self._size += samples.size
            self._eos = False
            while self._size > self.rate * MAX_BUFFER_S and len(self._chunks) > 1:
                old = self._chunks.popleft()
                self._size -= old.size - self._head
                self.dropped += old.size - self._head
                self._head = 0

    def end_of_stream(self) -> None:
        with self._lock:
            self._eos = True

    def flush(self) -> None:
        with self._lock:
            self._chunks.clear()
            self._size = self._head = 0
            self._priming = True
            self._eos = False

    def pull(self, n: int) -> tuple[Samples, bool]:
        """`n` samples for the device (silence-padded) and whether any of them is audio."""
        out = np.zeros(n, dtype=np.int16)
        with self._lock:
            if self._priming and (self._size >= max(1, self.prebuffer) or (self._eos and self._size)):
                self._priming = False
            if self._priming:
                return out, False
            filled = 0
            while filled < n and self._chunks:
                chunk = self._chunks[0]
                take = min(n - filled, chunk.size - self._head)
                out[filled : filled + take] = chunk[self._head : self._head + take]
                filled += take
                self._head += take
                if self._head == chunk.size:
                    self._chunks.popleft()
                    self._head = 0
            self._size -= filled
            if not self._chunks:
                self._priming = True  # underrun or end: rebuffer before playing again
            return out, filled > 0


class Speaker:
    def __init__(self, device: str = "", jitter_ms: int = 80) -> None:
        self.device_spec = device
        self.jitter_ms = jitter_ms
        self.device_name = ""
        self.device_rate = MODEL_RATE
        self.buffer = JitterBuffer(MODEL_RATE, jitter_ms)
        #: Called on the loop when playback ran out of audio (the reply finished or was flushed).
        self.on_drained: Callable[[], None] | None = None
        #: perf_counter of the first callback that produced silence after the last flush (barge-in benchmark).
        self.silent_at = 0.0
        self.flushed_at = 0.0
        self._sounding = False
        self._stream: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._resamplers: dict[int, Resampler] = {}
        self._last_callback = 0.0

    # -- lifecycle (blocking: call from a worker thread) ------------------------------------------------------
    def open(self, loop: asyncio.AbstractEventLoop) -> str:
        dev = devices.find_device(self.device_spec, "output")
        rate = devices.usable_rate(dev, "output", MODEL_RATE)  # a device that refuses 24 kHz: resampled to its own
        self._loop = loop
        self.device_rate = rate
        self.buffer = JitterBuffer(rate, self.jitter_ms)
        self._resamplers.clear()
        self._stream = devices.start_stream(dev, "output", rate, BLOCK_MS, LATENCY_S, self._callback, "speaker")
        self.device_name = dev.name
        self._last_callback = time.monotonic()
        return dev.name

    def close(self) -> None:
        stream, self._stream = self._stream, None
        self.buffer.flush()
        if stream is not None:
            devices.close_stream(stream, "speaker")

    @property
    def is_open(self) -> bool:
        return self._stream is not None

    def failure(self) -> str | None:
        what = f"speaker {self.device_name!r}"
        return devices.stream_failure(self._stream, self._last_callback, time.monotonic(), 2.0, what)

    # -- event loop -------------------------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return self._sounding or self.buffer.buffered > 0

    def push(self, pcm: bytes, rate: int = MODEL_RATE) -> None:
        samples = to_samples(pcm)
        if rate != self.device_rate:
            resample = self._resamplers.get(rate) or self._resamplers.setdefault(
                rate, Resampler(rate, self.device_rate)
            )
            samples = resample(samples)
        self.buffer.push(samples)

    def end_of_turn(self) -> None:
        self.buffer.end_of_stream()

    def flush(self) -> None:
        """Silence now: the next device callback plays zeros."""
        self.flushed_at = time.perf_counter()
        self.silent_at = 0.0
        self.buffer.flush()
        for r in list(self._resamplers):
            self._resamplers[r] = Resampler(r, self.device_rate)

    # -- device thread ----------------------------------------------------------------------------------------
    def _callback(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        self._last_callback = time.monotonic()
        samples, sounding = self.buffer.pull(frames)
        outdata[:] = samples.tobytes()
        if not sounding and self.silent_at == 0.0:
            self.silent_at = time.perf_counter()
        was, self._sounding = self._sounding, sounding
        loop = self._loop
        if was and not sounding and loop is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._drained)

    def _drained(self) -> None:
        if self.on_drained is not None and not self.playing:
            self.on_drained()
