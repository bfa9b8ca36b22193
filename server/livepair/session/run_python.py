"""The model's `run_python` tool: a snippet run with the project's interpreter, after the user's yes, in the sandbox.

The approval shows the whole snippet (`approval_text`: hidden characters escaped) and what the sandbox isolates on
this machine (`Sandbox.isolation`). Where the sandbox cannot be enforced
(`Sandbox.unavailable`), nothing runs and nobody is asked: the model and the panel are told why (fail closed).
"""

from __future__ import annotations

import asyncio
from typing import Any

from livepair.context.redact import Redactor
from livepair.context.store import ContextStore
from livepair.model import CommandApproval, ToolRunReport
from livepair.session import audit
from livepair.session.editor_port import EditorPort
from livepair.session.run_command import Approve, redacted_output
from livepair.session.sandbox import Sandbox


def describe(sandbox: Sandbox) -> str:
    lim = sandbox.limits
    return (
        f"{sandbox.python} snippet.py — sandboxed: no network, workspace read-only, "
        f"{lim.timeout_s:.0f} s, {lim.memory_bytes // 2**20} MB"
    )


async def run_python(
    args: dict[str, Any],
    context: ContextStore,
    redactor: Redactor,
    approve: Approve,
    port: EditorPort,
    sandbox: Sandbox,
) -> dict[str, Any]:
    code, reason = args.get("code"), args.get("reason") or ""
    if not isinstance(code, str) or not code.strip():
        return {"error": "'code' must be a non-empty string of Python source"}
    if len(code.encode("utf-8")) > sandbox.limits.max_code or "\x00" in code:
        return {"error": f"'code' must be at most {sandbox.limits.max_code // 1024} KB of text"}
    if not isinstance(reason, str):
        return {"error": "'reason' must be a string"}
    why_not = await sandbox.unavailable()
    if why_not is not None:
        audit.decide("refused")
        port.tool_run(ToolRunReport("run_python", code, None, f"Not run: {why_not}.", "refused"))
        return {"error": f"cannot run Python here: {why_not}. Nothing ran."}
    request = CommandApproval(
        describe(sandbox),
        str(context.root or sandbox.root),
        reason,
        kind="python",
        code=code,
        isolation=tuple(sandbox.isolation()),
    )
    if not await approve(request):
        audit.decide("denied")
        port.tool_run(ToolRunReport("run_python", code, None, "", "denied"))
        return {"error": "the user declined to run this code"}
    audit.decide("allowed")
    try:
        result = await sandbox.run(code)
    except asyncio.CancelledError:  # the model cancelled the call: the sandbox is killed; the panel says so
        port.tool_run(ToolRunReport("run_python", code, None, "", "cancelled", "sandbox"))
        raise
    output = redacted_output(redactor, result)
    if result.stopped:  # past the sandbox's total memory cap: every process of it was killed
        output = f"{output}\n[{result.stopped}]".lstrip("\n")
    outcome = "timedOut" if result.timed_out else "finished"
    port.tool_run(ToolRunReport("run_python", code, result.exit_code, output, outcome, "sandbox"))
    if result.timed_out:
        limit = sandbox.limits.timeout_s
        return {"error": f"the code did not finish within {limit:.0f}s and was stopped", "output": output}
    if result.stopped:
        return {"error": f"the sandbox {result.stopped}; every process of it was killed", "output": output}
    reply: dict[str, Any] = {"exit_code": result.exit_code, "output": output}
    if result.exit_code is not None and result.exit_code < 0:
        reply["note"] = f"killed by signal {-result.exit_code} (the memory cap or a crash)"
    if result.truncated:
        reply["note"] = f"output cut at {sandbox.limits.max_output // 1024} KB"
    return reply
