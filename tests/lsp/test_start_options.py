"""livepair.start carries the user's answer to "share your screen?"; without one nothing is shared."""

from __future__ import annotations

import pytest

from tests.fakes.live_server import FakeLiveServer
from tests.keys import API_KEY
from tests.lsp.harness import EditorClient


async def test_the_screen_is_not_shared_unasked(editor: EditorClient, fake: FakeLiveServer) -> None:
    await editor.command("livepair.start", {"apiKey": API_KEY})
    status = await editor.wait_state("listening")
    assert status["screen"] == "off"  # the default screenShare is "ask", and this client did not ask


async def test_an_answer_builds_the_screen_streamer(editor: EditorClient, fake: FakeLiveServer) -> None:
    await editor.command("livepair.start", {"apiKey": API_KEY, "screen": "monitor"})
    status = await editor.wait_for(
        lambda: next((s for s in editor.statuses if s.get("screen", "").startswith("unavailable")), None),
        what="screen state",
    )
    assert status["screen"] == "unavailable: no display"  # this test has no display: tried, and says why


async def test_a_bad_answer_is_refused(editor: EditorClient) -> None:
    with pytest.raises(Exception, match="'screen' must be one of monitor, window, off"):
        await editor.command("livepair.start", {"apiKey": API_KEY, "screen": "everything"})
