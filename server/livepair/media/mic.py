"""Microphone capture: 16 kHz mono PCM16 chunks from the PortAudio callback thread into the event loop.

The callback copies the block and hands it over with `loop.call_soon_threadsafe`; it never blocks and never
touches loop state itself. Chunks land in a bounded drop-oldest `Channel` that counts what the consumer missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from livepair.aio import Channel
from livepair.media import devices
from livepair.media.pcm import Resampler, to_samples

log = logging.getLogger(__name__)
RATE = 16_000
STALL_S = 1.0  # no callback for this long while running: the device is gone or wedged
FIRST_BLOCK_S = 4.0
# Device buffer. PortAudio's "low" (~9 ms on ALSA) overruns on a busy 2-core machine; blocks are still delivered
# every chunk, so a deeper buffer costs no latency while the callback keeps up.
LATENCY_S = 0.1


@dataclass(frozen=True)
class MicChunk:
    pcm: bytes  # 16 kHz mono PCM16
    captured: float  # time.perf_counter() in the device callback (for latency measurements)


class Mic:
    def __init__(self, device: str = "", chunk_ms: int = 40, queue_ms: int = 2000) -> None:
        self.device_spec = device
        self.chunk_ms = chunk_ms
        self.chunks: Channel[MicChunk] = Channel(maxsize=max(2, queue_ms // chunk_ms))
        self.device_name = ""
        self.overflows = 0
        self._stream: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._resample: Resampler | None = None
        self._last_callback = 0.0
        self._first_block = threading.Event()

    # -- lifecycle (blocking: call from a worker thread) ------------------------------------------------------
    def open(self, loop: asyncio.AbstractEventLoop) -> str:
        """Open and start the stream; raises AudioUnavailable with the reason."""
        dev = devices.find_device(self.device_spec, "input")
        rate = devices.usable_rate(dev, "input", RATE)  # a device that refuses 16 kHz: its own rate, converted
        self._resample = Resampler(rate, RATE) if rate != RATE else None
        self._loop = loop
        self._first_block.clear()
        self._stream = devices.start_stream(dev, "input", rate, self.chunk_ms, LATENCY_S, self._callback, "microphone")
        self.device_name = dev.name
        self._last_callback = time.monotonic()
        # "on" must mean audio is flowing: some devices take a second or two to deliver the first block.
        if not self._first_block.wait(FIRST_BLOCK_S):
            self.close()
            raise devices.AudioUnavailable(f"The microphone {dev.name!r} opened but delivers no audio.")
        return dev.name

    def close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            devices.close_stream(stream, "microphone")

    @property
    def is_open(self) -> bool:
        return self._stream is not None

    def failure(self) -> str | None:
        """Why the open stream no longer delivers audio, or None while it is healthy."""
        what = f"microphone {self.device_name!r}"
        return devices.stream_failure(self._stream, self._last_callback, time.monotonic(), STALL_S, what)

    # -- device thread ----------------------------------------------------------------------------------------
    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        now = time.perf_counter()
        self._last_callback = time.monotonic()
        self._first_block.set()
        if status.input_overflow:
            self.overflows += 1
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop closed while the stream still ran (shutdown)
            loop.call_soon_threadsafe(self._deliver, bytes(indata), now)

    # -- event loop -------------------------------------------------------------------------------------------
    def _deliver(self, pcm: bytes, captured: float) -> None:
        if self._resample is not None:
            pcm = self._resample(to_samples(pcm)).tobytes()
        self.chunks.put_nowait(MicChunk(pcm, captured))
