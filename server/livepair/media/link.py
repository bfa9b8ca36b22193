"""Keeps one audio device (mic or speaker) open while it is wanted, notices when it goes, and reopens it.

A device that fails never takes the session down: the link reports why (for `livepair/status`) and retries, so
voice comes back by itself when the device does.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Protocol

from livepair.media.devices import AudioUnavailable
from livepair.model import DeviceState, DeviceStatus

log = logging.getLogger(__name__)
RETRY_S = 1.0
RETRY_MAX_S = 5.0  # a machine without audio retries slowly (PortAudio logs each failed open to stderr)
RETRY_NO_LIBRARY_S = 30.0  # installing PortAudio takes a while; do not re-probe the library every second


class AudioDevice(Protocol):
    device_name: str

    @property
    def is_open(self) -> bool: ...
    def open(self, loop: asyncio.AbstractEventLoop) -> str: ...
    def close(self) -> None: ...
    def failure(self) -> str | None: ...


class DeviceLink:
    def __init__(self, kind: str, device: AudioDevice, on_change: Callable[[], None]) -> None:
        self.kind = kind
        self.device = device
        self.wanted = True
        self.muted = False
        self.state: DeviceState = "off"
        self.reason = ""
        self._on_change = on_change
        self._next_try = 0.0
        self._failures = 0

    @property
    def on(self) -> bool:
        return self.state == "on"

    def status(self) -> DeviceStatus:
        return DeviceStatus(self.state, self.device.device_name if self.on else "", self.reason)

    def retry_now(self) -> None:
        self._next_try = 0.0
        self._failures = 0

    def _set(self, state: DeviceState, reason: str = "") -> None:
        if (state, reason) != (self.state, self.reason):
            if state == "unavailable":
                log.warning("%s unavailable: %s", self.kind, reason)
            self.state, self.reason = state, reason
            self._on_change()

    async def tick(self) -> None:
        """One step of the state machine; called periodically by the voice controller."""
        if not self.wanted or self.muted:
            if self.device.is_open:
                await asyncio.to_thread(self.device.close)
            self._set("muted" if self.wanted else "off", "Muted by the user." if self.wanted else "")
            return
        if self.device.is_open:
            failure = self.device.failure()
            if failure is not None:
                await asyncio.to_thread(self.device.close)
                self._next_try = time.monotonic() + RETRY_S
                self._set("unavailable", failure + " Voice will come back when the device does.")
            return
        if time.monotonic() < self._next_try:
            return
        try:
            await asyncio.to_thread(self.device.open, asyncio.get_running_loop())
        except AudioUnavailable as exc:
            missing_library = "PortAudio library" in str(exc) or "not installed" in str(exc)
            self._failed(str(exc), RETRY_NO_LIBRARY_S if missing_library else None)
            return
        except Exception as exc:  # anything else PortAudio throws: report it, keep the session
            self._failed(f"{self.kind} error: {exc}")
            return
        self._failures = 0
        self._set("on")

    def _failed(self, reason: str, delay: float | None = None) -> None:
        self._failures += 1
        backoff = min(RETRY_S * 2 ** (self._failures - 1), RETRY_MAX_S)
        self._next_try = time.monotonic() + (delay if delay is not None else backoff)
        self._set("unavailable", reason)

    async def close(self) -> None:
        if self.device.is_open:
            await asyncio.to_thread(self.device.close)
        self._set("off")
