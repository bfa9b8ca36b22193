"""The model's apply_edit in a real VS Code: a multi-file edit appears as a refactor preview (its edits need
confirmation, so they start unticked) and changes nothing until the user ticks and applies them; Discard leaves
every file as it was and the model hears so."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.e2e.harness import open_editor
from tests.e2e.test_approval import user_asks
from tests.e2e.tools import ROOT, E2ETools
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import starts_turn
from tests.fakes.session import FakeSession

pytestmark = pytest.mark.timeout(300)

ARTIFACTS = ROOT / "test-artifacts" / "e2e-edit"
EDIT = {
    "edits": [
        {"path": "f.py", "start_line": 3, "end_line": 3, "new_text": "import json\nfrom pathlib import Path"},
        {
            "path": "f.py",
            "start_line": 8,
            "end_line": 8,
            "new_text": 'with open(Path(__file__).parent / "src" / "data" / "config.json") as fh:',
        },
        {"path": "notes.md", "start_line": 1, "end_line": 1, "new_text": "The config lives in src/data."},
    ],
    "reason": "Open the config next to f.py",
}


class EditModel:
    """Answers each question by proposing EDIT and hands back what the editor answered."""

    def __init__(self) -> None:
        self.responses: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def __call__(self, session: FakeSession) -> None:
        while True:
            await session.next_message(predicate=starts_turn, timeout=240)
            (response,) = await session.wait_tool_response(
                await session.send_tool_call([{"name": "apply_edit", "args": EDIT}]), timeout=240
            )
            await self.responses.put(response["response"])


@pytest.fixture
def model() -> EditModel:
    return EditModel()


async def test_apply_edit_is_a_refactor_preview(
    tools: E2ETools, fake: FakeLiveServer, model: EditModel, tmp_path: Path
) -> None:
    async with open_editor(tools, fake, tmp_path, ARTIFACTS) as editor:
        page, bench, workspace = editor.page, editor.bench, editor.workspace
        (workspace / "notes.md").write_text("Where is the config?\n")
        before = (workspace / "f.py").read_text()
        try:
            await bench.start_pairing()

            # Discard: nothing changes, and the model is told.
            await user_asks(editor, "Can you make it open the config next to the script?")
            discard = page.get_by_role("button", name="Discard", exact=True)
            await discard.wait_for(timeout=60_000)
            await bench.screenshot("preview")
            assert (workspace / "f.py").read_text() == before
            await discard.click()
            response = await asyncio.wait_for(model.responses.get(), 60)
            assert response == {"error": "the user did not apply the edit", "files": ["f.py", "notes.md"]}

            # Apply: both files change.
            await user_asks(editor, "Please do it after all.")
            apply = page.get_by_role("button", name="Apply", exact=True)
            await apply.wait_for(timeout=60_000)
            # Edits that need confirmation start unticked in VS Code's preview: the user ticks each file.
            files = page.locator('.bulk-edit-panel .monaco-list-row[aria-level="1"] .edit-checkbox')
            await expect(files).to_have_count(2)
            for box in await files.all():
                await box.click()
            await expect(page.locator('.bulk-edit-panel .edit-checkbox[aria-checked="false"]')).to_have_count(0)
            await bench.screenshot("ticked")
            await apply.click()
            response = await asyncio.wait_for(model.responses.get(), 60)
            assert response == {"applied": True, "files": ["f.py", "notes.md"]}
            # Applied to the editor's buffers (VS Code leaves them unsaved, for the user to review and save).
            await bench.open_file("f.py", "from pathlib import Path")
            await bench.open_file("notes.md", "The config lives in src/data.")
            await bench.screenshot("applied")
        except BaseException:
            await bench.screenshot("failure")
            raise
