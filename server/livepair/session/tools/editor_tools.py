"""Handlers of the tools that read the editor's context and put advice on lines: `annotate`, `propose_fix`,
`read_file`, `get_diagnostics`, `get_terminal_output`.

Every path is resolved inside the workspace and passed through the privacy gate, or refused; everything returned to
the model is redacted and what came from files or runs is fenced as data.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, cast

from livepair.advice.store import Severity
from livepair.advice.verify import check_fix, patch_lines
from livepair.context.digest import format_diagnostic
from livepair.context.fence import fence
from livepair.context.store import uri_to_path
from livepair.model import Range
from livepair.session.tools.registry import Args, Result, ToolError, integer, text

if TYPE_CHECKING:
    from livepair.session.tools.toolbox import Tools

MAX_READ_LINES = 400
SEVERITIES = ("info", "hint", "warning")  # declared to the model (frozen in tests/unit/data)
ACCEPTED_SEVERITIES = (*SEVERITIES, "error")  # the offline advisor marks a crash as an error


def _uri_and_lines(tools: Tools, args: Args) -> tuple[str, list[str]]:
    path = tools.gate.resolve(args.get("path"))  # a malformed path is refused with a reason
    if (why := tools.gate.refusal(path, git=False)) is not None:  # git was asked by the async callers
        raise ToolError(why)
    uri = path.as_uri()
    content = tools.context.text(uri)
    if content is None:
        raise ToolError(f"cannot read {args['path']!r} (missing, binary or too large)")
    return uri, content.splitlines()


def _line(lines: list[str], line: int) -> int:
    if not 1 <= line <= max(len(lines), 1):
        raise ToolError(f"line {line} is outside the file (1-{len(lines)})")
    return line - 1


async def annotate(tools: Tools, args: Args) -> Result:
    uri, lines = _uri_and_lines(tools, args)
    line = _line(lines, integer(args, "line"))
    severity = args.get("severity") or "info"
    if severity not in ACCEPTED_SEVERITIES:
        severity = "info"
    cause = args.get("headline")  # the cause in a few words, when the author knows it (the inline hint)
    cause = cause if isinstance(cause, str) else ""
    item = tools.advice.annotate(uri, line, text(args, "message"), cast(Severity, severity), cause=cause)
    tools.on_advice(item)
    return {"ok": True, "id": item.id}


async def propose_fix(tools: Tools, args: Args) -> Result:
    uri, lines = _uri_and_lines(tools, args)
    rng = args.get("range")
    if not isinstance(rng, dict):
        raise ToolError("'range' must be an object with start_line and end_line")
    start = _line(lines, integer(rng, "start_line"))
    end = _line(lines, integer(rng, "end_line", start + 1))
    if end < start:
        raise ToolError("end_line is before start_line")
    new_text = args.get("new_text")
    if not isinstance(new_text, str):
        raise ToolError("'new_text' must be a string")
    if not new_text.endswith("\n"):
        new_text += "\n"
    explanation = text(args, "explanation")
    original = "\n".join(lines) + "\n"
    verdict = check_fix(uri, original, patch_lines(original, start + 1, end + 1, new_text))
    if not verdict.ok:
        # Not offered: the hint says why on the line (unless the model already remarked there), and the model
        # hears the reason.
        item = tools.advice.note(uri, start, f"{explanation} (fix not offered: {verdict.reason})")
        tools.on_advice(item)
        return {"error": f"fix not offered: {verdict.reason}; the hint was kept", "id": item.id}
    # Whole lines: from the start of start_line to the start of the line after end_line.
    item = tools.advice.propose_fix(uri, Range.lines(start, end), new_text, explanation)
    tools.on_advice(item)
    return {"ok": True, "id": item.id}


async def _gitignore_check(tools: Tools, args: Args) -> None:
    """The gitignore part of the gate asks git (bounded) in a thread; the rest is checked on every read."""
    if tools.gate.use_gitignore:
        path = tools.gate.resolve(args.get("path"))
        if (why := await asyncio.to_thread(tools.gate.refusal, path)) is not None:
            raise ToolError(why)


async def read_file(tools: Tools, args: Args) -> Result:
    await _gitignore_check(tools, args)
    lines = tools.redactor.redact_lines(_uri_and_lines(tools, args)[1])  # whole file first: a key above `start`
    start = max(1, integer(args, "start", 1))
    end = min(len(lines), integer(args, "end", start + MAX_READ_LINES - 1), start + MAX_READ_LINES - 1)
    body = "\n".join(f"{n:>5}| {lines[n - 1]}" for n in range(start, end + 1))
    return {
        "path": args["path"],
        "start": start,
        "end": end,
        "total_lines": len(lines),
        "content": fence(f"file {args['path']}", tools.redactor.redact(body)),
    }


async def get_diagnostics(tools: Tools, args: Args) -> Result:
    ctx = tools.context
    wanted = tools.gate.resolve(args["path"]).as_uri() if args.get("path") else None
    if wanted is not None and (why := tools.gate.refusal(tools.gate.resolve(args["path"]), git=False)):
        raise ToolError(why)
    out = [
        format_diagnostic(ctx.relative(uri), d)
        for uri, diags in ctx.diagnostics.items()
        if (wanted is None or uri == wanted) and not _private(tools, uri)
        for d in diags[:200]
    ]
    body = tools.redactor.redact("\n".join(out))
    return {"count": len(out), "diagnostics": fence("diagnostics", body) if out else "none"}


def _private(tools: Tools, uri: str) -> bool:
    path = uri_to_path(uri)
    return path is not None and tools.gate.private_now(path)


async def get_terminal_output(tools: Tools, args: Args) -> Result:
    run = tools.context.last_run()
    if run is None:
        return {"command": None, "output": "", "note": "no terminal command has finished yet"}
    tail = "\n".join(tools.redactor.redact_lines(run.output.splitlines())[-200:])
    return {
        "command": fence("terminal command", tools.redactor.redact(run.command)),  # typed or planted text
        "cwd": run.cwd,
        "exit_code": run.exit_code,
        "output": fence("terminal output", tools.redactor.redact(tail)),
    }
