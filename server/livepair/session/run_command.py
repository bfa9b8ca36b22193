"""The model's `run_command` tool: nothing runs without the user's yes, and what runs is bounded and visible.

The user sees the exact command line and working directory in the approval prompt (the model's reason labelled as
the model's). After the yes the command runs in a terminal the user sees, created by the editor
(`EditorPort.run_in_terminal`: VS Code); an editor without terminals (`capabilities.terminal` unset) gets a
daemon-run process. Either way: a
timeout, an output cap, and an environment scrubbed of keys and tokens (`environment.py`). A declined or
unanswered request is an error response to the model, never a silent run. Output comes back redacted, then
tail-capped (redacting first: a cut never splits a secret into pieces no rule knows), and the run is recorded as a
terminal run so later context (and the offline advisor) sees it too.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Literal

from livepair.context.gate import resolve_path
from livepair.context.redact import Redactor
from livepair.context.store import ContextStore
from livepair.model import CommandApproval, TerminalRequest, TerminalRun, ToolRunReport
from livepair.session import audit
from livepair.session.allowlist import AllowList
from livepair.session.editor_port import EditorPort, NullEditor
from livepair.session.environment import command_environment
from livepair.session.process import ProcessResult, run_bounded

Approve = Callable[[CommandApproval], Awaitable[bool]]
TIMEOUT_S = 120.0
MAX_OUTPUT = 64 * 1024
MAX_COMMAND = 4096
TAIL_LINES = 200


def tail(text: str, lines: int = TAIL_LINES) -> str:
    return "\n".join(text.splitlines()[-lines:])


def complete_output(result: ProcessResult) -> str:
    """The output without what a cut left unfinished: past the size bound (or at a kill) the last line is a piece,
    and a secret split there is no longer a secret's shape, so no redaction could find its first half. The piece
    goes; a single line longer than the bound keeps what comes before the word the bound split."""
    text = result.output
    if not (result.truncated or result.timed_out or result.stopped) or text.endswith(("\n", "\r")):
        return text
    cut = max(text.rfind("\n"), text.rfind("\r"))
    if cut >= 0:
        return text[: cut + 1]
    words = text.rstrip().rsplit(None, 1)
    return words[0] if len(words) == 2 else ""


def redacted_output(redactor: Redactor, result: ProcessResult) -> str:
    """What the model gets: the complete output redacted as a whole (a key whose BEGIN line is far above the tail
    is still a key), then its last lines."""
    return tail(redactor.redact(complete_output(result)))


async def run_command(
    args: dict[str, Any],
    context: ContextStore,
    redactor: Redactor,
    approve: Approve,
    port: EditorPort | None = None,
    allowlist: AllowList | None = None,
    timeout_s: float = TIMEOUT_S,
    env_allow: tuple[str, ...] = (),
) -> dict[str, Any]:
    port = port or NullEditor()
    command, reason = args.get("command"), args.get("reason") or ""
    if not isinstance(command, str) or not command.strip():
        return {"error": "'command' must be a non-empty string"}
    if len(command) > MAX_COMMAND or "\x00" in command:
        return {"error": f"'command' must be one command line of at most {MAX_COMMAND} characters"}
    if not isinstance(reason, str):
        return {"error": "'reason' must be a string"}
    cwd = resolve_path(context, args.get("cwd") or ".")  # OutsideWorkspace (with a reason) if outside or malformed
    if not cwd.is_dir():
        return {"error": f"{args.get('cwd')!r} is not a directory in the workspace"}
    root = context.root or cwd
    if not await _approved(command, cwd, reason, root, approve, allowlist):
        port.tool_run(ToolRunReport("run_command", command, None, "", "denied"))
        return {"error": "the user declined to run this command"}

    env = command_environment(os.environ, env_allow, redactor)  # an allow-list: no secret variable passes
    request = TerminalRequest(uuid.uuid4().hex, command, str(cwd), env, timeout_s, MAX_OUTPUT)
    where: Literal["terminal", "daemon"] = "terminal"
    try:
        if port.capabilities.terminal:
            result = await port.run_in_terminal(request)
        else:  # a plain LSP client, or no editor: run it here with the same bounds
            where = "daemon"
            argv = ["/bin/sh", "-c", command]
            result = await run_bounded(argv, cwd=cwd, env=request.env, timeout_s=timeout_s, max_output=MAX_OUTPUT)
    except asyncio.CancelledError:  # the model cancelled the call: the process is killed; the panel says so
        port.tool_run(ToolRunReport("run_command", command, None, "", "cancelled", where))
        raise
    output = redacted_output(redactor, result)
    outcome = "timedOut" if result.timed_out else "finished"
    port.tool_run(ToolRunReport("run_command", command, result.exit_code, output, outcome, where))
    if result.timed_out:
        return {"error": f"the command did not finish within {timeout_s:.0f}s and was stopped", "output": output}
    context.add_terminal_run(TerminalRun(command, complete_output(result), result.exit_code, str(cwd)))
    reply: dict[str, Any] = {"exit_code": result.exit_code, "output": output}
    if result.truncated:
        reply["note"] = f"output cut at {MAX_OUTPUT // 1024} KB"
    return reply


async def _approved(
    command: str, cwd: Path, reason: str, root: Path, approve: Approve, allowlist: AllowList | None
) -> bool:
    if allowlist is not None and allowlist.allows(root, command, cwd):
        audit.decide("always")
        return True
    chose_always = False

    def remember() -> None:
        nonlocal chose_always
        chose_always = True

    request = CommandApproval(command, str(cwd), reason, remember=remember if allowlist is not None else None)
    if not await approve(request):
        audit.decide("denied")
        return False
    if chose_always and allowlist is not None:
        allowlist.add(root, command, cwd)
    audit.decide("always" if chose_always else "allowed")
    return True
