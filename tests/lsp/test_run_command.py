"""The model may run a command only with the user's yes; the user sees exactly what would run."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import starts_turn
from tests.fakes.session import FakeSession
from tests.keys import API_KEY, GOOGLE_KEY
from tests.lsp.harness import EditorClient

COMMAND = f"touch ran.txt && echo key={GOOGLE_KEY} && python3 f.py"


def model_running(results: list[dict[str, Any]], args: dict[str, Any]) -> tuple[Any, asyncio.Event]:
    answered = asyncio.Event()

    async def model(session: FakeSession) -> None:
        await session.next_message(predicate=starts_turn)  # the user's question
        ids = await session.send_tool_call([{"name": "run_command", "args": args}])
        results.extend(await session.wait_tool_response(ids, timeout=30))
        answered.set()
        await session.wait_closed(timeout=60)

    return model, answered


@pytest.mark.parametrize("allow", [True, False], ids=["allowed", "denied"])
async def test_run_command_needs_approval(
    editor: EditorClient, fake: FakeLiveServer, workspace: Path, allow: bool
) -> None:
    results: list[dict[str, Any]] = []
    fake.model, answered = model_running(results, {"command": COMMAND, "reason": "Reproduce the error."})
    editor.answer_approvals = allow
    editor.open("f.py")
    await editor.command("livepair.start", {"apiKey": API_KEY})
    await editor.wait_state("listening")
    await editor.command("livepair.ask", "Can you reproduce the error?")
    await asyncio.wait_for(answered.wait(), 30)

    (request,) = editor.approvals
    assert request["kind"] == "command" and request["command"] == COMMAND
    assert request["title"] == "Reproduce the error." and request["cwd"] == str(workspace)
    response = results[0]["response"]
    if allow:
        assert (workspace / "ran.txt").exists()
        assert response["exit_code"] == 1 and "FileNotFoundError" in response["output"]
        assert "<secret:GOOGLE_API_KEY#1>" in response["output"] and GOOGLE_KEY not in fake.all_text()
    else:
        assert not (workspace / "ran.txt").exists()
        assert response == {"error": "the user declined to run this command"}


async def test_run_command_outside_the_workspace_is_refused_without_asking(
    editor: EditorClient, fake: FakeLiveServer
) -> None:
    results: list[dict[str, Any]] = []
    fake.model, answered = model_running(results, {"command": "ls", "cwd": "/etc", "reason": "Look around."})
    editor.answer_approvals = True
    await editor.command("livepair.start", {"apiKey": API_KEY})
    await editor.wait_state("listening")
    await editor.command("livepair.ask", "What is in /etc?")
    await asyncio.wait_for(answered.wait(), 30)
    assert "outside the workspace" in results[0]["response"]["error"]
    assert editor.approvals == []
