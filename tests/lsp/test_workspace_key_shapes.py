"""Issue 21's last key shapes through the real channel: AWS's documentation-shaped keys, Sentry DSNs and a
`HEROKU_API=hk-...` value, in an open document (the context digest), in terminal output, and in what the model's
tools return (read_file, search_workspace, get_terminal_output), over the real daemon and the real SDK. None of
them may appear in any frame the daemon sends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from livepair.model import MAX_TERMINAL_OUTPUT
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


TOKEN = "gh" + "p_" + "Q7wE2rT9yU4iO1pA6sD3fG8hJ5kL0zX2cV7b"
# under 200 lines (what get_terminal_output shows) of long lines: the line the cut falls in is among those shown
_LINES = "".join(f"built module {i} of 99: " + "ok " * 200 + "\n" for i in range(100))
_REST = TOKEN[6:] + "\n"  # what a cut 6 characters into the token leaves of its line
BODY = "=" * (MAX_TERMINAL_OUTPUT - len(_REST) - len(_LINES) - 1) + "\n" + _LINES
CUTS = {
    # the daemon keeps the last MAX_TERMINAL_OUTPUT characters (the Neovim plugin cuts the same way)
    "cut at the size bound": f"earlier output\ntoken check: {TOKEN}\n{BODY}",
    # the extension's cut, with its mark, where no line break is near
    "cut by the editor": "[\u2026 earlier output omitted \u2026]\n" + _REST + BODY,
}
assert CUTS["cut at the size bound"][-MAX_TERMINAL_OUTPUT:] == _REST + BODY


@pytest.mark.parametrize("how", ["cut at the size bound", "cut by the editor"])
async def test_terminal_output_cut_at_its_start_never_shows_a_secrets_end(
    editor: EditorClient, fake: FakeLiveServer, how: str
) -> None:
    """Long terminal output keeps its tail (the extension marks its cut, the Neovim plugin and the daemon cut at a
    size): the cut can fall inside a secret, and a token's end, without its prefix, is no known shape. The line the
    cut began in never reaches the model, in the context update or in get_terminal_output."""
    editor.send_terminal("make all", CUTS[how], 0)
    (result,) = await run(editor, fake, [{"name": "get_terminal_output", "args": {}}])
    sent = fake.all_text()
    pieces = [TOKEN[i : i + 10] for i in range(6, len(TOKEN) - 9)]
    assert not [p for p in pieces if p in sent], f"the end of a cut token reached the model ({how})"
    assert "built module 99 of 99" in json.dumps(result) and "built module 0 of 99" in json.dumps(result)


async def test_a_long_diagnostic_or_command_cut_at_its_bound_keeps_no_half_secret(
    editor: EditorClient, fake: FakeLiveServer, workspace: Path
) -> None:
    """A diagnostic's message (2,000 characters) and a terminal command line (4,096) keep their head: the bound can
    fall inside a secret, whose first half alone is no shape a rule knows. The cut falls before that word."""
    quoted = "E501 line too long: " + "x = 1; " * 283  # the token starts 30 characters before the 2,000 bound
    quoted = quoted[: 2_000 - 30 - 1] + " "
    message = quoted + TOKEN + " # more"
    assert message.index(TOKEN) == 2_000 - 30
    uri = editor.open("f.py")
    editor.send_diagnostics(uri, [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}},
                                   "message": message, "severity": 1, "source": "flake8"}])  # fmt: skip
    command = "deploy " + "--flag " * 584  # the token starts 30 characters before the 4,096 bound
    command = command[: 4_096 - 30 - 1] + " " + TOKEN
    editor.send_terminal(command, "deployed\n", 0)
    editor.send_editor_state(uri, 0)
    (result,) = await run(editor, fake, [{"name": "get_terminal_output", "args": {}}])
    sent = fake.all_text()
    pieces = [TOKEN[i : i + 10] for i in range(0, 21)]  # its first 30 characters: 26 of its random part
    assert not [p for p in pieces if p in sent], "the head of a cut token reached the model"
    assert "E501 line too long" in sent and "deploy --flag" in json.dumps(result)
