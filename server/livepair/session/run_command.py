"""The model's `run_command` tool: nothing runs without the user's yes, and what runs is bounded.

The user sees the exact command line and working directory in the approval prompt. A declined or unanswered
request is an error response to the model, never a silent run. Output comes back redacted and tail-capped, and the
run is recorded as a terminal run so later context (and the offline advisor) sees it too.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from livepair.context.redact import Redactor
from livepair.context.store import ContextStore
from livepair.model import CommandApproval, TerminalRun

Approve = Callable[[CommandApproval], Awaitable[bool]]
TIMEOUT_S = 120.0
MAX_OUTPUT = 64 * 1024
TAIL_LINES = 200

DECLARATION: dict[str, Any] = {
    "name": "run_command",
    "description": "Run a shell command in the workspace to reproduce an error or run tests. The user sees the "
    "exact command and must approve it; say why in 'reason'. Returns the exit code and the output's tail.",
    "parameters": {
        "type": "OBJECT",
        "properties": {
            "command": {"type": "STRING", "description": "The shell command line."},
            "cwd": {"type": "STRING", "description": "Working directory relative to the workspace root."},
            "reason": {"type": "STRING", "description": "Why, in one sentence, shown to the user."},
        },
        "required": ["command", "reason"],
    },
}


async def run_command(
    args: dict[str, Any], context: ContextStore, redactor: Redactor, approve: Approve
) -> dict[str, Any]:
    command, reason = args.get("command"), args.get("reason") or ""
    if not isinstance(command, str) or not command.strip():
        return {"error": "'command' must be a non-empty string"}
    cwd = context.resolve(str(args.get("cwd") or "."))  # raises OutsideWorkspace for paths outside
    if not cwd.is_dir():
        return {"error": f"{args.get('cwd')!r} is not a directory in the workspace"}
    if not await approve(CommandApproval(command, str(cwd), reason)):
        return {"error": "the user declined to run this command"}
    proc = await asyncio.create_subprocess_shell(
        command,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        stdin=asyncio.subprocess.DEVNULL,  # never inherit the LSP channel
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), TIMEOUT_S)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        return {"error": f"the command did not finish within {TIMEOUT_S:.0f}s and was stopped"}
    finally:
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
    output = out[-MAX_OUTPUT:].decode("utf-8", errors="replace")
    context.add_terminal_run(TerminalRun(command, output, proc.returncode, str(cwd)))
    tail = "\n".join(output.splitlines()[-TAIL_LINES:])
    return {"exit_code": proc.returncode, "output": redactor.redact(tail)}
