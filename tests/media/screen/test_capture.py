"""Capture on a real X display: the editor's window is found by its title; a region is grabbed as asked."""

from __future__ import annotations

import numpy as np
import pytest

from livepair.media.capture import NoScreen, ScreenCapture, editor_window
from tests.media.xvfb import Painter, Xvfb


async def test_the_vs_code_window_is_found_and_a_region_grabbed(xvfb: Xvfb, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPLAY", xvfb.display)
    assert editor_window() is None
    painter = await Painter.start(xvfb.display, "f.py - ws - Visual Studio Code")
    try:
        assert editor_window() == {"left": 0, "top": 0, "width": 1280, "height": 800}
        await painter.draw(["rect", "red", 100, 50, 40, 30, "#ff0000"])
        capture = ScreenCapture(monitor=0, region="100,50,40,30")
        assert capture.open() == {"left": 100, "top": 50, "width": 40, "height": 30}
        pixels = capture.grab()
        assert pixels.shape == (30, 40, 4) and np.all(pixels[..., :3] == (0, 0, 255))  # BGRA: all red
        capture.close()
    finally:
        await painter.close()


def test_no_display_is_reported_not_raised_as_an_x_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPLAY", "")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(NoScreen, match="no display"):
        ScreenCapture(0, "").open()
