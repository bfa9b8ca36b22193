"""`livepair demo`: play the f.py scenario through the real daemon over LSP and print what the editor would show.

The demo is an LSP client like VS Code: it starts `livepair serve` as a subprocess, opens f.py, reports the
diagnostics and the failing terminal run, starts a session and prints the hints, hover and quick fixes that come back.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

from livepair import scenario
from livepair.lsp import protocol

FIX_WAIT_S = 10.0  # how long a fix may follow its hint (the offline advisor re-runs it in the sandbox first)


def _say(line: str = "") -> None:
    print(line, flush=True)


async def _demo(root: Path, base_url: str, model: str | None, timeout: float) -> int:
    client = LanguageClient("livepair-demo", "0")
    advice_seen = asyncio.Event()
    fix_seen = asyncio.Event()
    diagnostics: dict[str, list[lsp.Diagnostic]] = {}
    last_state: list[str] = [""]

    @client.feature(protocol.STATUS)
    def on_status(params: Any) -> None:
        state, message = _get(params, "state"), _get(params, "message")
        if state != last_state[0]:
            _say(f"  [status] {state}{': ' + message if message else ''}")
            last_state[0] = state

    @client.feature(protocol.TRANSCRIPT)
    def on_transcript(params: Any) -> None:
        if _get(params, "final"):
            _say(f"  [{_get(params, 'role')}] {_get(params, 'text')}")

    @client.feature(protocol.ADVICE)
    def on_advice(params: Any) -> None:
        if _get(params, "fix"):  # the diagnostics below show the same advice; a fix may follow its hint
            fix_seen.set()

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
        diagnostics[params.uri] = list(params.diagnostics)
        if params.diagnostics:
            advice_seen.set()

    @client.feature(lsp.WINDOW_SHOW_MESSAGE)
    def on_message(params: lsp.ShowMessageParams) -> None:
        _say(f"  [message] {params.message}")

    await client.start_io(sys.executable, "-m", "livepair", "serve")
    settings: dict[str, Any] = {"responseModality": "audio", protocol.CLIENT_INFO: {"name": "vscode"}}  # plays VS Code
    if base_url:
        settings["baseUrl"] = base_url
    if model:
        settings["model"] = model
    await client.initialize_async(
        lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(),
            root_uri=root.as_uri(),
            initialization_options=settings,
            workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        )
    )
    client.initialized(lsp.InitializedParams())

    f_py = root / "f.py"
    uri = f_py.as_uri()
    _say(f"Workspace: {root}\n$ python f.py\n{scenario.terminal_output(root)}")
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=f_py.read_text())
        )
    )
    client.protocol.notify(protocol.DIAGNOSTICS, {"uri": uri, "diagnostics": scenario.diagnostics()})
    line = scenario.MISSING_FILE_LINE - 1
    pos = {"line": line, "character": 0}
    client.protocol.notify(protocol.EDITOR_STATE, {"uri": uri, "selection": {"start": pos, "end": pos}})
    client.protocol.notify(
        protocol.TERMINAL,
        {"command": "python f.py", "cwd": str(root), "exitCode": 1, "output": scenario.terminal_output(root)},
    )
    _say("Pairing with the senior dev…")
    result = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command=protocol.CMD_START, arguments=[{}])
    )
    code = 0
    if _get(result, "state") == "error":
        code = 1
    else:
        try:
            await asyncio.wait_for(advice_seen.wait(), timeout)
        except TimeoutError:
            _say(f"No advice within {timeout:.0f}s.")
            code = 1
        # The offline advisor's fix follows its hint once the fixed program, re-run in the sandbox, gets past
        # its error: give it a moment (not an error when no fix comes).
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(fix_seen.wait(), min(timeout, FIX_WAIT_S))
    shown: set[int] = set()
    for d in diagnostics.get(uri, []):
        _say(f"\nf.py:{d.range.start.line + 1}  {d.source}: {d.message}")
        if d.range.start.line in shown:
            continue
        shown.add(d.range.start.line)
        hover = await client.text_document_hover_async(
            lsp.HoverParams(lsp.TextDocumentIdentifier(uri=uri), lsp.Position(d.range.start.line, 4))
        )
        if hover is not None and isinstance(hover.contents, lsp.MarkupContent):
            _say(f"  hover: {hover.contents.value}")
        actions = await client.text_document_code_action_async(
            lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri=uri), d.range, lsp.CodeActionContext(diagnostics=[d]))
        )
        for action in actions or []:
            if isinstance(action, lsp.CodeAction) and action.edit and action.edit.changes:
                for edit in action.edit.changes.get(uri, []):
                    _say(f"  quick fix: {action.title}\n    -> {edit.new_text.rstrip()}")
    await client.workspace_execute_command_async(lsp.ExecuteCommandParams(command=protocol.CMD_STOP))
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return code


def _get(params: Any, key: str) -> Any:
    return params.get(key) if isinstance(params, dict) else getattr(params, key, None)


def run_demo(workspace: str | None, base_url: str, model: str | None, timeout: float) -> int:
    with tempfile.TemporaryDirectory(prefix="livepair-demo-") as tmp:
        root = Path(workspace) if workspace else Path(tmp) / "fpy"
        scenario.write_workspace(root)
        return asyncio.run(_demo(root, base_url, model, timeout))
