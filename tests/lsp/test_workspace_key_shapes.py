"""Issue 21's last key shapes through the real channel: AWS's documentation-shaped keys, Sentry DSNs and a
`HEROKU_API=hk-...` value, in an open document (the context digest), in terminal output, and in what the model's
tools return (read_file, search_workspace, get_terminal_output), over the real daemon and the real SDK. None of
them may appear in any frame the daemon sends."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fakes.live_server import FakeLiveServer
from tests.lsp.harness import EditorClient
from tests.lsp.test_workspace_tools import run
from tests.unit.test_redact_key_shapes import LINES


async def test_key_shapes_never_reach_the_model(editor: EditorClient, fake: FakeLiveServer, workspace: Path) -> None:
    secrets = sorted({secret for _, secret in LINES})
    (workspace / "deploy").mkdir()
    (workspace / "deploy" / "settings.sh").write_text(
        "\n".join(["# deploy settings", *(line for line, _ in LINES), "DEBUG=false"]) + "\n"
    )
    uri = editor.open("deploy/settings.sh")
    editor.send_editor_state(uri, 3)  # the cursor among them: the digest's excerpt holds every line
    editor.send_terminal("env | sort", "\n".join(line for line, _ in LINES[::3]) + "\nTERM=xterm\n", 0)
    results = await run(
        editor,
        fake,
        [
            {"name": "read_file", "args": {"path": "deploy/settings.sh"}},
            {"name": "search_workspace", "args": {"query": "EXAMPLE"}},
            {"name": "search_workspace", "args": {"query": "sentry"}},
            {"name": "get_terminal_output", "args": {}},
        ],
    )

    sent = fake.all_text()
    leaked = [s for s in secrets if s in sent or json.dumps(s)[1:-1] in sent]
    assert not leaked, f"{len(leaked)} of {len(secrets)} key shapes reached the model: {leaked}"
    # not vacuous: the file, its hits and the terminal did reach the model, redacted
    read, by_example, by_sentry, terminal = (json.dumps(r) for r in results)
    assert "DEBUG=false" in read and read.count("<secret:") >= len(LINES)
    assert "deploy/settings.sh:" in by_example and "deploy/settings.sh:" in by_sentry
    assert "TERM=xterm" in terminal and "<secret:" in terminal
    assert "# deploy settings" in "\n".join(fake.texts_sent())  # the digest's excerpt of the open document
