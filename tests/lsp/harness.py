"""A test editor: pytest-lsp's client driving the real daemon over stdio, recording what the user would see."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from livepair.lsp import inbound, protocol
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import MODEL
from tests.prefork import daemon_command

T = Any


def settings_for(fake: FakeLiveServer, **extra: Any) -> dict[str, Any]:
    """The daemon's settings for a test against the fake: its URL, a text model, short debounces."""
    return {
        "baseUrl": fake.url,
        "model": MODEL,
        "responseModality": "text",
        "digestDebounceMs": 20,
        "hoverWaitMs": 8000,
        **extra,
    }


class EditorClient:
    """Wraps a LanguageClient: sends what VS Code would send and waits on what it would show."""

    def __init__(self, client: LanguageClient, root: Path) -> None:
        self.lsp = client
        self.root = root
        self.statuses: list[dict[str, Any]] = []
        self.transcripts: list[dict[str, Any]] = []
        self.advice: list[dict[str, Any]] = []
        self.approvals: list[dict[str, Any]] = []
        self.sources: list[dict[str, Any]] = []  # livepair/sources: a grounded answer's web links
        self.answer_approvals = False  # what the user clicks: Allow (True) or Deny (False)
        self.approval_gate: asyncio.Event | None = None  # when set, the user takes until the gate opens
        self.always = False  # with answer_approvals: the user picks "Always allow this command in this workspace"
        self.tool_runs: list[dict[str, Any]] = []  # livepair/toolRun: what the panel shows of each run
        self.terminal_runs: list[dict[str, Any]] = []  # livepair/runInTerminal requests (a terminal client)
        self.cancelled_runs: list[str] = []  # livepair/cancelRun
        self._terminal_procs: dict[str, asyncio.subprocess.Process] = {}
        self.edits: list[lsp.ApplyWorkspaceEditParams] = []  # edit previews shown (workspace/applyEdit)
        self.answer_edits = False  # what the user clicks in the preview: Apply (True) or Discard (False)
        self.shown: list[lsp.ShowDocumentParams] = []  # window/showDocument
        self._changed = asyncio.Condition()
        self._versions: dict[str, int] = {}
        for method, sink in (
            (protocol.STATUS, self.statuses),
            (protocol.TRANSCRIPT, self.transcripts),
            (protocol.ADVICE, self.advice),
            (protocol.TOOL_RUN, self.tool_runs),
            (protocol.SOURCES, self.sources),
        ):
            client.feature(method)(self._recorder(sink))

        @client.feature(protocol.APPROVAL)
        async def _approval(params: Any) -> dict[str, bool]:
            self.approvals.append(inbound.plain(params))
            await self._notify()
            if self.approval_gate is not None:
                await self.approval_gate.wait()
            if self.answer_approvals and self.always:
                return {"approved": True, "always": True}
            return {"approved": self.answer_approvals}

        @client.feature(protocol.RUN_IN_TERMINAL)
        async def _run_in_terminal(params: Any) -> dict[str, Any]:
            """What the extension's terminal does: run exactly this, with exactly this environment, bounded."""
            request = inbound.plain(params)
            self.terminal_runs.append(request)
            await self._notify()
            proc = await asyncio.create_subprocess_exec(
                "/bin/sh",
                "-c",
                request["command"],
                cwd=request["cwd"],
                env=request["env"],
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
            )
            self._terminal_procs[request["runId"]] = proc
            try:
                out, _ = await asyncio.wait_for(proc.communicate(), request["timeoutMs"] / 1000)
            except TimeoutError:
                proc.kill()
                return {"exitCode": None, "output": "", "timedOut": True}
            text = out.decode(errors="replace")[: request["maxOutput"]]
            return {"exitCode": proc.returncode, "output": text, "timedOut": False}

        @client.feature(protocol.CANCEL_RUN)
        async def _cancel_run(params: Any) -> None:
            run_id = inbound.plain(params)["runId"]
            self.cancelled_runs.append(run_id)
            proc = self._terminal_procs.get(run_id)
            if proc is not None and proc.returncode is None:
                os.killpg(proc.pid, 9)
            await self._notify()

        @client.feature(lsp.WORKSPACE_APPLY_EDIT)
        async def _apply(params: lsp.ApplyWorkspaceEditParams) -> lsp.ApplyWorkspaceEditResult:
            self.edits.append(params)
            if self.answer_edits:
                for change in params.edit.document_changes or []:
                    if isinstance(change, lsp.TextDocumentEdit):
                        self._apply_to_disk(change)
            await self._notify()
            return lsp.ApplyWorkspaceEditResult(applied=self.answer_edits)

        @client.feature(lsp.WINDOW_SHOW_DOCUMENT)
        async def _show_document(params: lsp.ShowDocumentParams) -> lsp.ShowDocumentResult:
            self.shown.append(params)
            await self._notify()
            return lsp.ShowDocumentResult(success=True)

        @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        async def _diags(params: lsp.PublishDiagnosticsParams) -> None:
            client.diagnostics[params.uri] = params.diagnostics
            await self._notify()

        @client.feature(lsp.WINDOW_SHOW_MESSAGE)
        async def _show(params: lsp.ShowMessageParams) -> None:
            client.messages.append(params)
            await self._notify()

        @client.feature(lsp.WINDOW_LOG_MESSAGE)
        async def _log(params: lsp.LogMessageParams) -> None:
            client.log_messages.append(params)
            await self._notify()

    def _apply_to_disk(self, change: lsp.TextDocumentEdit) -> None:
        """What the editor does on Apply (for closed files: these tests do not open the edited files)."""
        path = Path(change.text_document.uri.removeprefix("file://"))
        lines = path.read_text().splitlines(keepends=True)
        for edit in sorted(change.edits, key=lambda e: e.range.start.line, reverse=True):
            assert isinstance(edit, lsp.TextEdit | lsp.AnnotatedTextEdit), "LivePair sends no snippets"
            start, end = edit.range.start.line, edit.range.end.line
            lines[start:end] = [edit.new_text]
        path.write_text("".join(lines))

    def _recorder(self, sink: list[dict[str, Any]]) -> Callable[[Any], Any]:
        async def record(params: Any) -> None:
            sink.append(inbound.plain(params))
            await self._notify()

        return record

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wake(self) -> None:
        """A test's own handler got something: have wait_for look again now, not at the daemon's next message."""
        await self._notify()

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 15.0, what: str = "condition") -> T:
        """Wait until predicate() is truthy (re-checked on every message from the daemon)."""

        async def until() -> T:
            async with self._changed:
                while not (result := predicate()):
                    await self._changed.wait()
                return result

        try:
            return await asyncio.wait_for(until(), timeout)
        except TimeoutError:
            raise AssertionError(
                f"timed out after {timeout}s waiting for {what}; statuses={self.statuses[-3:]}, "
                f"messages={[m.message for m in self.lsp.messages]}"
            ) from None

    async def wait_state(self, state: str, timeout: float = 15.0) -> dict[str, Any]:
        return await self.wait_for(
            lambda: next((s for s in reversed(self.statuses[-1:]) if s.get("state") == state), None),
            timeout,
            f"status {state!r}",
        )

    # -- what VS Code sends -----------------------------------------------------------------------
    def uri(self, name: str) -> str:
        return (self.root / name).as_uri()

    def open(self, name: str, text: str | None = None) -> str:
        uri = self.uri(name)
        body = text if text is not None else (self.root / name).read_text()
        self._versions[uri] = 1
        self.lsp.text_document_did_open(
            lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=body))
        )
        return uri

    def replace_line(self, uri: str, line: int, text: str) -> None:
        self._versions[uri] += 1
        change = lsp.TextDocumentContentChangePartial(
            range=lsp.Range(lsp.Position(line, 0), lsp.Position(line + 1, 0)), text=text + "\n"
        )
        self.lsp.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(uri=uri, version=self._versions[uri]), [change]
            )
        )

    def notify(self, method: str, params: Any) -> None:
        self.lsp.protocol.notify(method, params)

    def send_diagnostics(self, uri: str, diagnostics: list[dict[str, Any]]) -> None:
        self.notify(protocol.DIAGNOSTICS, {"uri": uri, "diagnostics": diagnostics})

    def send_terminal(self, command: str, output: str, exit_code: int | None, cwd: str | None = None) -> None:
        self.notify(
            protocol.TERMINAL,
            {"command": command, "output": output, "exitCode": exit_code, "cwd": cwd or str(self.root)},
        )

    def send_editor_state(self, uri: str, line: int) -> None:
        pos = {"line": line, "character": 0}
        self.notify(
            protocol.EDITOR_STATE,
            {
                "uri": uri,
                "selection": {"start": pos, "end": pos},
                "visibleRanges": [{"start": {"line": 0, "character": 0}, "end": {"line": 40, "character": 0}}],
            },
        )

    async def command(self, name: str, *args: Any) -> Any:
        return await self.lsp.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command=name, arguments=list(args))
        )

    async def hover(self, uri: str, line: int, character: int = 4) -> str | None:
        result = await self.lsp.text_document_hover_async(
            lsp.HoverParams(lsp.TextDocumentIdentifier(uri=uri), lsp.Position(line, character))
        )
        if result is None:
            return None
        assert isinstance(result.contents, lsp.MarkupContent)
        return result.contents.value

    async def code_actions(self, uri: str, line: int) -> list[lsp.CodeAction]:
        rng = lsp.Range(lsp.Position(line, 0), lsp.Position(line, 1))
        result = await self.lsp.text_document_code_action_async(
            lsp.CodeActionParams(
                lsp.TextDocumentIdentifier(uri=uri),
                rng,
                lsp.CodeActionContext(diagnostics=list(self.lsp.diagnostics.get(uri, []))),
            )
        )
        return [a for a in result or [] if isinstance(a, lsp.CodeAction)]

    def livepair_diagnostics(self, uri: str) -> list[lsp.Diagnostic]:
        return [d for d in self.lsp.diagnostics.get(uri, []) if d.source == "LivePair"]


# What VS Code announces that LivePair relies on: edit previews (change annotations) and showDocument.
VSCODE_CAPABILITIES = lsp.ClientCapabilities(
    workspace=lsp.WorkspaceClientCapabilities(
        apply_edit=True,
        workspace_edit=lsp.WorkspaceEditClientCapabilities(
            document_changes=True,
            change_annotation_support=lsp.ChangeAnnotationsSupportOptions(groups_on_label=True),
        ),
    ),
    window=lsp.WindowClientCapabilities(show_document=lsp.ShowDocumentClientCapabilities(support=True)),
)


async def start_editor(
    root: Path,
    env: dict[str, str],
    settings: dict[str, Any],
    client_name: str | None = "vscode",
    terminal: bool = False,
) -> EditorClient:
    """Spawn `python -m livepair serve` and initialize it as VS Code would (client_name None: a plain LSP client)."""
    client = LanguageClient(converter_factory=default_converter)
    overridden = {
        lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
        lsp.WINDOW_SHOW_MESSAGE,
        lsp.WINDOW_LOG_MESSAGE,
        lsp.WINDOW_SHOW_DOCUMENT,
    }
    register_lsp_features(client, {k: v for k, v in DEFAULT_CLIENT_FEATURES.items() if k not in overridden})
    editor = EditorClient(client, root)
    full_env = {k: v for k, v in os.environ.items() if k not in ("GEMINI_API_KEY", "GOOGLE_API_KEY")} | env
    await client.start_io(*daemon_command(), env=full_env)
    await client.initialize_session(
        lsp.InitializeParams(
            capabilities=VSCODE_CAPABILITIES if client_name == "vscode" else lsp.ClientCapabilities(),
            root_uri=root.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options=settings
            if client_name is None
            else {**settings, protocol.CLIENT_INFO: {"name": client_name, protocol.CLIENT_TERMINAL: terminal}},
        )
    )
    return editor
