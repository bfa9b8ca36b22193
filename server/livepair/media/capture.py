"""Screen capture with mss: which area to grab, and the grab itself. Runs in the screen worker thread only.

mss 10 grabs a 1280x800 X11 screen in ~0.3 ms with MIT-SHM; `np.asarray(shot)` is zero-copy (facts: test-harness).
The default area is the monitor that holds the VS Code window, found by its title with xdotool when installed,
else the primary monitor.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from typing import Any

import numpy as np

log = logging.getLogger(__name__)
EDITOR_TITLES = r"Visual Studio Code|VSCodium|code-server|Cursor$"
Area = dict[str, int]


class NoScreen(Exception):
    """Nothing to capture here; the message is for the user ("no display", ...)."""


def missing_display() -> str | None:
    """Why there is no X display to capture, or None; checked without connecting to anything."""
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        return "Wayland without X11" if os.environ.get("WAYLAND_DISPLAY") else "no display"
    return None


def parse_region(text: str) -> tuple[int, int, int, int] | None:
    """`"x,y,w,h"` in screen pixels -> a tuple; "" -> None. Raises ValueError when malformed."""
    if not text.strip():
        return None
    parts = [int(p) for p in text.split(",")]
    if len(parts) != 4 or parts[2] <= 0 or parts[3] <= 0:
        raise ValueError(f"screen region {text!r} is not x,y,width,height")
    return parts[0], parts[1], parts[2], parts[3]


def choose_area(monitors: list[dict[str, Any]], monitor: int, region: str, window: Area | None) -> Area:
    """The area to grab. `monitor`: 0 = the editor's monitor (else the primary), -1 = all monitors, n = the n-th.

    `monitors` is mss' list: index 0 spans all monitors, 1.. are the monitors.
    """
    box = parse_region(region)
    if box is not None:
        return {"left": box[0], "top": box[1], "width": box[2], "height": box[3]}
    if monitor == -1 or len(monitors) < 2:
        return _area(monitors[0])
    if monitor > 0:
        if monitor >= len(monitors):
            log.warning("screen monitor %d does not exist (%d found); using the primary", monitor, len(monitors) - 1)
        else:
            return _area(monitors[monitor])
    if window is not None:
        cx, cy = window["left"] + window["width"] // 2, window["top"] + window["height"] // 2
        for m in monitors[1:]:
            if m["left"] <= cx < m["left"] + m["width"] and m["top"] <= cy < m["top"] + m["height"]:
                return _area(m)
    return _area(next((m for m in monitors[1:] if m.get("is_primary")), monitors[1]))


def window_area(window: Area, screen: dict[str, Any]) -> Area:
    """The editor window's rectangle clipped to the screen (a window may hang off an edge)."""
    left, top = max(window["left"], int(screen["left"])), max(window["top"], int(screen["top"]))
    right = min(window["left"] + window["width"], int(screen["left"]) + int(screen["width"]))
    bottom = min(window["top"] + window["height"], int(screen["top"]) + int(screen["height"]))
    if right <= left or bottom <= top:
        raise NoScreen("the VS Code window is off screen")
    return {"left": left, "top": top, "width": right - left, "height": bottom - top}


def _area(m: dict[str, Any]) -> Area:
    return {k: int(m[k]) for k in ("left", "top", "width", "height")}


def editor_window() -> Area | None:
    """Geometry of a visible VS Code window, via xdotool (X11 only); None when unknown."""
    xdotool = shutil.which("xdotool")
    if xdotool is None or not os.environ.get("DISPLAY"):
        return None
    try:
        found = subprocess.run(
            [xdotool, "search", "--onlyvisible", "--name", EDITOR_TITLES], capture_output=True, text=True, timeout=2
        )
        ids = found.stdout.split()
        if not ids:
            return None
        geo = subprocess.run(
            [xdotool, "getwindowgeometry", "--shell", ids[0]], capture_output=True, text=True, timeout=2
        )
    except (OSError, subprocess.SubprocessError):
        return None
    values = {k: int(v) for k, v in re.findall(r"^(X|Y|WIDTH|HEIGHT)=(-?\d+)$", geo.stdout, re.M)}
    if len(values) != 4:
        return None
    return {"left": values["X"], "top": values["Y"], "width": values["WIDTH"], "height": values["HEIGHT"]}


class ScreenCapture:
    """One mss handle, opened, used and closed in the same worker thread."""

    def __init__(self, monitor: int, region: str, window_only: bool = False) -> None:
        self._monitor = monitor
        self._region = region
        self._window_only = window_only  # the user chose "only the VS Code window": never more than its region
        self._sct: Any = None
        self._shot: Any = None  # keeps the buffer behind the last returned array alive
        self.area: Area = {}

    def open(self) -> Area:
        problem = missing_display()
        if problem is not None:
            raise NoScreen(problem)
        import mss
        from mss.exception import ScreenShotError

        try:
            self._sct = mss.MSS()
            monitors = self._sct.monitors
        except ScreenShotError as exc:
            raise NoScreen(f"cannot open the display ({exc})") from exc
        if self._window_only:
            window = editor_window()
            if window is None:  # fail closed: without the window's geometry, share nothing rather than a monitor
                raise NoScreen("cannot find the VS Code window (xdotool on X11 is needed to share only the window)")
            self.area = window_area(window, monitors[0])
            log.info("screen: capturing only the editor window %s", self.area)
            return self.area
        window = editor_window() if self._monitor == 0 and not self._region.strip() else None
        self.area = choose_area(monitors, self._monitor, self._region, window)
        log.info("screen: capturing %s (monitors: %d, editor window: %s)", self.area, len(monitors) - 1, window)
        return self.area

    def grab(self) -> np.ndarray:
        """The area as a (height, width, 4) BGRA view; valid until the next grab."""
        self._shot = self._sct.grab(self.area)
        return np.asarray(self._shot)

    def close(self) -> None:
        if self._sct is not None:
            self._sct.close()
            self._sct = None
        self._shot = None
