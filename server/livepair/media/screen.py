"""Screen sharing: capture -> change detection -> downscale or crop -> JPEG -> privacy gate -> backend.send_video.

Capture, detection and encoding run in one dedicated worker thread (mss handles belong to the thread that opened
them); the loop only schedules, checks the privacy gate and hands frames to the backend, which keeps only the
newest one when the link is slow. The policy of what to send is `sampler.FrameSampler`.

Privacy timing: the editor reports what it shows a few milliseconds after showing it. So a frame is held for
`GRACE_S` after its capture and dropped if the gate closed at any moment since the capture; and after the gate
opens again, capture waits `RELEASE_S` so the editor has repainted without the sensitive file.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from livepair.aio import TaskOwner
from livepair.config import Settings
from livepair.context.events import ContextEvent, DocumentChanged, EditorStateChanged, TerminalRunFinished
from livepair.context.redact import Redactor
from livepair.context.store import ContextStore
from livepair.media.capture import NoScreen, ScreenCapture, missing_display
from livepair.media.ocr_mask import OcrFailed, OcrMasker
from livepair.media.privacy import SENSITIVE_FILE, PrivacyGate, Verdict
from livepair.media.sampler import POLL_S, FrameSampler, Outgoing, Policy
from livepair.media.sent_log import SentLog

log = logging.getLogger(__name__)
GRACE_S = 0.15
RELEASE_S = 0.5
OCR_FAILED = "OCR masking failed"
SHARING, PAUSED, STARTING = "sharing", "paused", "starting"
TYPING_DEFER_S = 8.0  # while the user types, the picture of the editor may lag this much (its text does not)
TEXT_PATH_MAX_S = 1.25  # + the daemon's own processing: within the 1.5 s a change has to reach the model


def policy_from(settings: Settings, edits_reach_model_s: float | None = None) -> Policy:
    # Keystrokes may wait for a pause only if the text path delivers them inside the bound on its own.
    defer = TYPING_DEFER_S if edits_reach_model_s is not None and edits_reach_model_s <= TEXT_PATH_MAX_S else 0.0
    return Policy(
        min_interval_s=settings.screen_interval_ms / 1000,
        keepalive_s=float(settings.screen_keep_alive_s),
        change_cells=settings.screen_change_cells,
        max_side=settings.screen_max_size,
        quality=settings.screen_jpeg_quality,
        read_text=settings.screen_read_text,
        typing_defer_s=defer,
    )


class ScreenStreamer:
    def __init__(
        self,
        settings: Settings,
        context: ContextStore,
        redactor: Redactor,
        send: Callable[[bytes], None],
        on_state: Callable[[], None],
        sent_log: SentLog | None = None,
        edits_reach_model_s: float | None = None,
    ) -> None:
        """`edits_reach_model_s`: how soon the session sends what is typed as text, when it does."""
        self.state = STARTING
        self.paused = False
        self.frames_sent = 0
        self.bytes_sent = 0
        self.frames_withheld = 0
        self._send = send
        self._on_state = on_state
        self._log = sent_log or SentLog()
        self._ocr = settings.screen_ocr_mask
        # Its own Redactor: the masker runs in the worker thread, and a Redactor is not thread-safe.
        mask = OcrMasker(Redactor()) if self._ocr else None
        self._sampler = FrameSampler(policy_from(settings, edits_reach_model_s), mask)
        self._context = context
        self._capture = ScreenCapture(
            settings.screen_monitor, settings.screen_region, window_only=settings.screen_share == "window"
        )
        self._gate = PrivacyGate(context, redactor, settings.screen_exclude, settings.screen_gitignore)
        self._executor: ThreadPoolExecutor | None = None
        self._tasks = TaskOwner("screen")
        self._verdict: Verdict | None = None
        self._blocked_at = float("-inf")  # monotonic time the gate was last seen closed
        self._want_refresh = False
        self._unsubscribe = context.on_change(self._context_changed)

    # -- lifecycle and controls -------------------------------------------------------------------
    async def start(self) -> None:
        problem = missing_display()
        if problem is not None:  # known at once: no thread, no task
            self._set_state(f"unavailable: {problem}")
            return
        if self._ocr and (problem := OcrMasker.problem()) is not None:  # asked for masking: never share unmasked
            self._log.write("unavailable", reason=f"OCR masking: {problem}")
            self._set_state(f"unavailable: OCR masking needs {problem}")
            return
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="livepair-screen")
        self._tasks.spawn("capture", self._run())

    async def stop(self) -> None:
        self._unsubscribe()
        await self._tasks.cancel_all()
        if self._executor is not None:
            self._executor.submit(self._capture.close)
            self._executor.shutdown(wait=False)
            self._executor = None
            self._log.write("stopped", frames=self.frames_sent, bytes=self.bytes_sent, withheld=self.frames_withheld)
        self._log.close()

    def toggle(self) -> str:
        """Pause or resume; returns the new state."""
        if self.state.startswith("unavailable"):
            return self.state
        self.paused = not self.paused
        self._log.write("paused" if self.paused else "resumed", by="user")
        if self.paused:
            self._set_state(PAUSED)
        else:
            self._want_refresh = True  # the model's picture is stale
            if self.state == PAUSED:
                self._set_state(SHARING)
        return self.state

    def refresh(self) -> None:
        """Send a full frame next (a new model session knows nothing of the screen)."""
        self._want_refresh = True

    # -- the gate ---------------------------------------------------------------------------------
    def _context_changed(self, event: ContextEvent) -> None:
        # Judged at once, so a sensitive file shown only briefly still withholds the frames taken meanwhile.
        if self._executor is not None and isinstance(event, EditorStateChanged | TerminalRunFinished):
            self._check_gate()
        ed = self._context.editor
        on_screen = isinstance(event, DocumentChanged) and self._context.last_edited in (ed.uri, *ed.visible_uris)
        if isinstance(event, EditorStateChanged) or on_screen:
            self._sampler.typing.typed(time.monotonic())

    def _check_gate(self) -> Verdict | None:
        verdict = self._gate.check()
        if verdict is not None:
            self._blocked_at = time.monotonic()
        return verdict

    def _withhold(self, verdict: Verdict) -> None:
        if verdict != self._verdict:
            self._log.write("withheld", reason=verdict.reason, detail=verdict.detail)
        self._verdict = verdict
        self._want_refresh = True
        self._set_state(f"{PAUSED}: {verdict.reason}")

    # -- the loop ---------------------------------------------------------------------------------
    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            area = await loop.run_in_executor(self._executor, self._capture.open)
        except NoScreen as exc:
            self._log.write("unavailable", reason=str(exc))
            self._set_state(f"unavailable: {exc}")
            return
        self._log.write("started", area=area)
        self._set_state(PAUSED if self.paused else SHARING)
        tick = loop.time()
        while True:
            tick += POLL_S
            if tick < loop.time():
                tick = loop.time()  # fell behind (a busy machine): skip ahead rather than burst
            await asyncio.sleep(tick - loop.time())
            if self.paused:
                continue
            verdict = self._check_gate()
            if verdict is not None:
                self._withhold(verdict)
                continue
            if self._verdict is not None:
                if time.monotonic() - self._blocked_at < RELEASE_S:
                    continue
                self._log.write("released", after=self._verdict.reason)
                self._verdict = None
            self._set_state(SHARING)
            refresh, self._want_refresh = self._want_refresh, False
            try:
                captured_at, out = await loop.run_in_executor(self._executor, self._sample, refresh)
            except OcrFailed as exc:  # nothing unmasked leaves; the next capture tries again with a full frame
                self._withhold(Verdict(OCR_FAILED, str(exc)))
                continue
            except Exception as exc:  # the display went away, or a bug: stop sharing, keep the session
                log.exception("screen capture failed")
                self._log.write("unavailable", reason=f"capture failed: {exc}")
                self._set_state(f"unavailable: capture failed ({type(exc).__name__})")
                return
            if out is not None:
                await self._deliver(out, captured_at)

    def _sample(self, refresh: bool) -> tuple[float, Outgoing | None]:
        """Worker thread: grab, judge, encode."""
        if refresh:
            self._sampler.refresh()
        pixels = self._capture.grab()
        now = time.monotonic()
        return now, self._sampler.offer(pixels, now)

    async def _deliver(self, out: Outgoing, captured_at: float) -> None:
        await asyncio.sleep(max(0.0, captured_at + GRACE_S - time.monotonic()))
        verdict = self._check_gate()
        if verdict is None and self._blocked_at >= captured_at:
            verdict = self._verdict or Verdict(SENSITIVE_FILE, "shown briefly while this frame was taken")
        if verdict is not None or self.paused:
            self.frames_withheld += 1
            self._want_refresh = True
            why = verdict.reason if verdict is not None else "paused"
            self._log.write("withheld", reason=why, bytes=len(out.jpeg), frame=out.reason)
            if verdict is not None:
                self._withhold(verdict)
            return
        self._send(out.jpeg)
        self.frames_sent += 1
        self.bytes_sent += len(out.jpeg)
        crop = out.crop.as_list() if out.crop is not None else None
        size = {"bytes": len(out.jpeg), "width": out.width, "height": out.height}
        masked = {"masked": out.masked} if self._ocr else {}
        self._log.write("sent", **size, reason=out.reason, crop=crop, cells=out.cells, **masked)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            log.info("screen: %s", state)
            self._on_state()
