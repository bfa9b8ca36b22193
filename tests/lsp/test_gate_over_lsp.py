"""The privacy gate over the real daemon and the real SDK: a model that asks for private files by every trick, and
for paths that are not paths, gets an answer to every call and the text of none; the context update it receives
names a private open file without its text."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests.fakes.live_server import FakeLiveServer
from tests.lsp.harness import EditorClient
from tests.lsp.test_workspace_tools import run

CANARY = "canary-" + "private-7d1f"


async def test_every_hostile_call_is_answered_and_nothing_private_leaks(
    editor: EditorClient, fake: FakeLiveServer, workspace: Path, tmp_path: Path
) -> None:
    (workspace / ".ENV").write_text(f"value = {CANARY}-env\n")
    (workspace / "Secrets.yaml").write_text(f"value: {CANARY}-yaml\n")
    (workspace / ".kube").mkdir()
    (workspace / ".kube" / "config").write_text(f"token: {CANARY}-kube\n")
    os.link(workspace / ".ENV", workspace / "harmless.txt")
    (workspace / "sub").mkdir()
    (workspace / "sub" / ".livepairignore").write_text("**/draft*\n")
    (workspace / "sub" / "draft.md").write_text(f"{CANARY}-draft\n")
    outside = tmp_path / "outside.txt"
    outside.write_text(f"{CANARY}-outside\n")
    (workspace / "out-link").symlink_to(outside)
    paths: list[Any] = [".ENV", ".env", "Secrets.yaml", ".kube/config", ".KUBE/CONFIG", "harmless.txt",
                        "sub/draft.md", "out-link", "sub/../.ENV", "a\0b", "x" * 10_000, 7, None]  # fmt: skip
    calls = [{"name": "read_file", "args": {"path": p}} for p in paths]
    calls += [
        {"name": "search_workspace", "args": {"query": "canary"}},
        {"name": "open_location", "args": {"path": "\0", "line": 1}},
        {"name": "get_diagnostics", "args": {"path": "y" * 5000}},
    ]
    uri = (workspace / ".ENV").as_uri()
    editor.open(".ENV")
    editor.send_editor_state(uri, 0)
    results = await run(editor, fake, calls)

    assert len(results) == len(calls)  # every call answered
    for call, result in zip(calls[: len(paths)], results, strict=False):
        assert "content" not in result and isinstance(result.get("error"), str), (call, result)
    assert results[len(paths)]["count"] == 0
    assert all("error" in r for r in results[len(paths) + 1 :])
    sent = "\n".join(fake.texts_sent())
    assert CANARY not in repr(results) and CANARY not in sent
    assert "a private file is open" in sent
