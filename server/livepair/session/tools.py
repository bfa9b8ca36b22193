"""Tools the model calls into the editor: declarations (plain JSON schema) and their implementations.

Every path is resolved inside the workspace or refused; everything returned to the model is redacted. Results are
small dicts the model can read; failures are `{"error": ...}` responses, never exceptions across the wire.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any, cast

from lsprotocol import types as lsp

from livepair.advice.store import Advice, AdviceStore, Severity
from livepair.advice.verify import check_fix, patch_lines
from livepair.context.digest import format_diagnostic
from livepair.context.fence import fence
from livepair.context.gate import WorkspaceGate
from livepair.context.redact import Redactor
from livepair.context.store import ContextStore, OutsideWorkspace, uri_to_path
from livepair.session import hands, run_command, workspace_tools

MAX_READ_LINES = 400

_PATH = {"type": "STRING", "description": "File path relative to the workspace root, e.g. 'src/app.py'."}
DECLARATIONS: list[dict[str, Any]] = [
    {
        "name": "annotate",
        "description": "Place a short hint on a line of a file in the user's editor (shown inline and on hover). "
        "Use it to point at the exact line your advice is about.",
        "parameters": {
            "type": "OBJECT",
            "properties": {
                "path": _PATH,
                "line": {"type": "INTEGER", "description": "1-based line number."},
                "message": {"type": "STRING", "description": "The advice, one or two sentences."},
                "severity": {"type": "STRING", "enum": ["info", "hint", "warning"]},
            },
            "required": ["path", "line", "message"],
        },
    },
    {
        "name": "propose_fix",
        "description": "Attach a quick fix the user can apply: replace whole lines start_line..end_line "
        "(1-based, inclusive) with new_text. The user decides whether to apply it.",
        "parameters": {
            "type": "OBJECT",
            "properties": {
                "path": _PATH,
                "range": {
                    "type": "OBJECT",
                    "properties": {"start_line": {"type": "INTEGER"}, "end_line": {"type": "INTEGER"}},
                    "required": ["start_line", "end_line"],
                },
                "new_text": {"type": "STRING", "description": "Replacement text for those lines."},
                "explanation": {"type": "STRING", "description": "Why, in one sentence."},
            },
            "required": ["path", "range", "new_text", "explanation"],
        },
    },
    {
        "name": "read_file",
        "description": "Read lines of a workspace file (1-based, inclusive; at most 400 lines).",
        "parameters": {
            "type": "OBJECT",
            "properties": {"path": _PATH, "start": {"type": "INTEGER"}, "end": {"type": "INTEGER"}},
            "required": ["path"],
        },
    },
    {
        "name": "get_diagnostics",
        "description": "Current errors and warnings from the editor, for one file or all files.",
        "parameters": {"type": "OBJECT", "properties": {"path": _PATH}},
    },
    {
        "name": "get_terminal_output",
        "description": "The last command the user ran in the terminal, its exit code and output.",
        "parameters": {"type": "OBJECT", "properties": {}},
    },
]
DECLARATIONS.append(run_command.DECLARATION)
DECLARATIONS.extend(hands.DECLARATIONS)
DECLARATIONS.extend(workspace_tools.DECLARATIONS)
NAMES = frozenset(d["name"] for d in DECLARATIONS)


class ToolError(Exception):
    """A tool call the model got wrong; the message goes back to the model."""


def _int(args: dict[str, Any], key: str, default: int | None = None) -> int:
    value = args.get(key, default)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ToolError(f"'{key}' must be an integer")
    return value


def _text(args: dict[str, Any], key: str) -> str:
    value = args.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ToolError(f"'{key}' must be a non-empty string")
    return value


class Tools:
    """Implements the declared tools over the context and advice stores."""

    def __init__(
        self,
        context: ContextStore,
        advice: AdviceStore,
        redactor: Redactor,
        on_advice: Callable[[Advice], None],
        approve: run_command.Approve,
        *,
        hands_: hands.Hands | None = None,
        gate: WorkspaceGate | None = None,
        editor: workspace_tools.WorkspaceEditor | None = None,
    ) -> None:
        self._ctx = context
        self.gate = gate or WorkspaceGate(context)  # the privacy gate: what the model may see
        self._advice = advice
        self._redactor = redactor
        self._on_advice = on_advice
        self._approve = approve
        self.hands = hands_ or hands.Hands(context, redactor, approve)
        self._workspace = workspace_tools.WorkspaceTools(context, self.gate, redactor, editor)

    async def call(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        began = self.hands.begin()
        try:
            result = await self._dispatch(name, args)
        except asyncio.CancelledError:  # the model cancelled the call: its process is already killed
            self.hands.record(name, args, began, {"error": "cancelled by the model"})
            raise
        self.hands.record(name, args, began, result)  # the audit log: every call, its decision, size and time
        return result

    async def _dispatch(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        handler = getattr(self, f"_tool_{name}", None) if name in NAMES else None
        if handler is None:
            return {"error": f"unknown tool {name!r}; available: {', '.join(sorted(NAMES))}"}
        try:
            result = handler(args)
            return await result if inspect.isawaitable(result) else result
        except (ToolError, OutsideWorkspace, workspace_tools.BadArguments) as exc:
            return {"error": str(exc)}

    def _uri_and_lines(self, args: dict[str, Any]) -> tuple[str, list[str]]:
        path = self._ctx.resolve(_text(args, "path"))
        if (why := self.gate.refusal(path, git=False)) is not None:  # git was asked by the async callers
            raise ToolError(why)
        uri = path.as_uri()
        text = self._ctx.text(uri)
        if text is None:
            raise ToolError(f"cannot read {args['path']!r} (missing, binary or too large)")
        return uri, text.splitlines()

    def _line(self, lines: list[str], line: int) -> int:
        if not 1 <= line <= max(len(lines), 1):
            raise ToolError(f"line {line} is outside the file (1-{len(lines)})")
        return line - 1

    def _tool_annotate(self, args: dict[str, Any]) -> dict[str, Any]:
        uri, lines = self._uri_and_lines(args)
        line = self._line(lines, _int(args, "line"))
        severity = args.get("severity") or "info"
        if severity not in ("info", "hint", "warning"):
            severity = "info"
        item = self._advice.annotate(uri, line, _text(args, "message"), cast(Severity, severity))
        self._on_advice(item)
        return {"ok": True, "id": item.id}

    def _tool_propose_fix(self, args: dict[str, Any]) -> dict[str, Any]:
        uri, lines = self._uri_and_lines(args)
        rng = args.get("range")
        if not isinstance(rng, dict):
            raise ToolError("'range' must be an object with start_line and end_line")
        start = self._line(lines, _int(rng, "start_line"))
        end = self._line(lines, _int(rng, "end_line", start + 1))
        if end < start:
            raise ToolError("end_line is before start_line")
        new_text = args.get("new_text")
        if not isinstance(new_text, str):
            raise ToolError("'new_text' must be a string")
        if not new_text.endswith("\n"):
            new_text += "\n"
        explanation = _text(args, "explanation")
        original = "\n".join(lines) + "\n"
        verdict = check_fix(uri, original, patch_lines(original, start + 1, end + 1, new_text))
        if not verdict.ok:
            # Not offered: the hint says why on the line (unless the model already remarked there), and the model
            # hears the reason.
            item = self._advice.note(uri, start, f"{explanation} (fix not offered: {verdict.reason})")
            self._on_advice(item)
            return {"error": f"fix not offered: {verdict.reason}; the hint was kept", "id": item.id}
        # Whole lines: from the start of start_line to the start of the line after end_line.
        target = lsp.Range(lsp.Position(start, 0), lsp.Position(end + 1, 0))
        item = self._advice.propose_fix(uri, target, new_text, explanation)
        self._on_advice(item)
        return {"ok": True, "id": item.id}

    async def _gitignore_check(self, args: dict[str, Any]) -> None:
        """The gitignore part of the gate asks git (bounded) in a thread; the rest is checked on every read."""
        if self.gate.use_gitignore:
            path = self._ctx.resolve(_text(args, "path"))
            if (why := await asyncio.to_thread(self.gate.refusal, path)) is not None:
                raise ToolError(why)

    async def _tool_read_file(self, args: dict[str, Any]) -> dict[str, Any]:
        await self._gitignore_check(args)
        lines = self._redactor.redact_lines(self._uri_and_lines(args)[1])  # whole file first: a key above `start`
        start = max(1, _int(args, "start", 1))
        end = min(len(lines), _int(args, "end", start + MAX_READ_LINES - 1), start + MAX_READ_LINES - 1)
        body = "\n".join(f"{n:>5}| {lines[n - 1]}" for n in range(start, end + 1))
        return {
            "path": args["path"],
            "start": start,
            "end": end,
            "total_lines": len(lines),
            "content": fence(f"file {args['path']}", self._redactor.redact(body)),
        }

    def _tool_get_diagnostics(self, args: dict[str, Any]) -> dict[str, Any]:
        wanted = self._ctx.resolve(_text(args, "path")).as_uri() if args.get("path") else None
        if wanted is not None and (why := self.gate.refusal(self._ctx.resolve(args["path"]), git=False)):
            raise ToolError(why)
        out = [
            format_diagnostic(self._ctx.relative(uri), d)
            for uri, diags in self._ctx.diagnostics.items()
            if (wanted is None or uri == wanted) and not self._private(uri)
            for d in diags[:200]
        ]
        text = self._redactor.redact("\n".join(out))
        return {"count": len(out), "diagnostics": fence("diagnostics", text) if out else "none"}

    def _private(self, uri: str) -> bool:
        path = uri_to_path(uri)
        return path is not None and self.gate.private_now(path)

    async def _tool_run_command(self, args: dict[str, Any]) -> dict[str, Any]:
        return _fenced("command output", await self.hands.run_command(args))

    async def _tool_run_python(self, args: dict[str, Any]) -> dict[str, Any]:
        return _fenced("program output", await self.hands.run_python(args))

    def _tool_get_terminal_output(self, args: dict[str, Any]) -> dict[str, Any]:
        run = self._ctx.last_run()
        if run is None:
            return {"command": None, "output": "", "note": "no terminal command has finished yet"}
        tail = "\n".join(self._redactor.redact_lines(run.output.splitlines())[-200:])
        return {
            "command": self._redactor.redact(run.command),
            "cwd": run.cwd,
            "exit_code": run.exit_code,
            "output": fence("terminal output", self._redactor.redact(tail)),
        }

    async def _tool_search_workspace(self, args: dict[str, Any]) -> dict[str, Any]:
        return await self._workspace.search_workspace(args)

    async def _tool_open_location(self, args: dict[str, Any]) -> dict[str, Any]:
        return await self._workspace.open_location(args)

    async def _tool_apply_edit(self, args: dict[str, Any]) -> dict[str, Any]:
        return await self._workspace.apply_edit(args)


def _fenced(label: str, result: dict[str, Any]) -> dict[str, Any]:
    """What a run prints is data, like any terminal output: it goes back to the model fenced."""
    if isinstance(result.get("output"), str):
        result["output"] = fence(label, result["output"])
    return result
