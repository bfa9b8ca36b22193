"""The senior dev's hands, run for real: run_python in the bubblewrap sandbox and run_command bounded.

Each tool: the happy path, bad arguments (an error the model can read), a denial (nothing runs), a timeout and a
cancellation (the process is gone). The sandbox stops a snippet that opens a socket, writes outside its dir or
allocates past the cap. The tools are driven in-process through `Tools.call`, as the session calls them.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
from pathlib import Path
from typing import Any

import pytest

from livepair.advice.store import AdviceStore
from livepair.context.redact import Redactor
from livepair.context.store import ContextStore
from livepair.model import CommandApproval, ToolRunReport
from livepair.session.allowlist import AllowList
from livepair.session.audit import AuditLog
from livepair.session.editor_port import NullEditor
from livepair.session.hands import Hands
from livepair.session.sandbox import Limits
from livepair.session.tools.toolbox import Tools
from tests.keys import GOOGLE_KEY
from tests.processes import wait_exited, wait_until
from tests.tooling import require_tool


class Panel(NullEditor):
    """The editor's side: the approval answer, and what the panel shows of each run (no terminal: the daemon runs
    commands; the LSP and e2e tests cover the terminal)."""

    def __init__(self, answer: bool | str = True) -> None:
        self.answer = answer  # True, False or "always"
        self.asked: list[CommandApproval] = []
        self.reports: list[ToolRunReport] = []
        self.gate: asyncio.Event | None = None

    async def approve(self, request: CommandApproval) -> bool:
        self.asked.append(request)
        if self.gate is not None:
            await self.gate.wait()
        if self.answer == "always" and request.remember is not None:
            request.remember()
        return bool(self.answer)

    def tool_run(self, report: ToolRunReport) -> None:
        self.reports.append(report)


def make_tools(
    root: Path,
    panel: Panel,
    state: Path,
    limits: Limits | None = None,
    command_timeout_s: float = 120.0,
    env_allow: tuple[str, ...] = (),
) -> tuple[Tools, Path]:
    store = ContextStore(lambda _uri: None)
    store.root = root
    redactor = Redactor()
    audit_path = state / "audit.jsonl"
    hands = Hands(
        store,
        redactor,
        panel.approve,
        panel,
        AllowList(state / "allowed.json"),
        AuditLog(redactor, audit_path),
        limits,
        command_timeout_s,
        env_allow=env_allow,
    )
    tools = Tools(store, AdviceStore(lambda _u, _n: None), redactor, lambda _a: None, panel.approve, hands_=hands)
    return tools, audit_path


@pytest.fixture
def sandboxed() -> None:
    require_tool("bwrap", "prlimit", hint="scripts/setup-sandbox.sh installs bubblewrap")


def audit_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


# -- run_python ----------------------------------------------------------------------------------------------
async def test_run_python_runs_after_the_yes_and_reports_output(
    sandboxed: None, workspace: Path, private_state: Path
) -> None:
    panel = Panel(True)
    tools, audit_path = make_tools(workspace, panel, private_state)
    (workspace / "helper.py").write_text("def total(a, b):\n    return a + b\n")
    code = "import helper\nprint('sum', helper.total(2, 3))\nimport os; print(os.getcwd())\n"
    result = await tools.call("run_python", {"code": code, "reason": "Check the arithmetic."})
    assert result["exit_code"] == 0, result
    assert "sum 5" in result["output"] and "/tmp/run" in result["output"]
    (asked,) = panel.asked
    assert asked.kind == "python" and asked.code == code and asked.reason == "Check the arithmetic."
    assert panel.reports[-1].where == "sandbox" and panel.reports[-1].exit_code == 0
    (entry,) = audit_lines(audit_path)
    assert entry["tool"] == "run_python" and entry["decision"] == "allowed" and entry["resultBytes"] > 0


async def test_run_python_denied_runs_nothing(sandboxed: None, workspace: Path, private_state: Path) -> None:
    panel = Panel(False)
    tools, audit_path = make_tools(workspace, panel, private_state)
    marker = workspace / "ran.txt"
    code = f"open({str(marker)!r}, 'w').write('x')"
    result = await tools.call("run_python", {"code": code, "reason": "Touch it."})
    assert result == {"error": "the user declined to run this code"}
    assert not marker.exists()
    assert audit_lines(audit_path)[0]["decision"] == "denied"


@pytest.mark.parametrize(
    ("tool", "args", "error"),
    [
        ("run_python", {"reason": "no code"}, "'code' must be a non-empty string"),
        ("run_python", {"code": 42, "reason": "a number"}, "'code' must be a non-empty string"),
        ("run_python", {"code": "x" * 70_000, "reason": "huge"}, "at most 64 KB"),
        ("run_command", {"reason": "none"}, "'command' must be a non-empty string"),
        ("run_command", {"command": ["ls"], "reason": "list"}, "'command' must be a non-empty string"),
        ("run_command", {"command": "x" * 5000, "reason": "long"}, "at most 4096 characters"),
        ("run_command", {"command": "ls", "cwd": "/etc", "reason": "out"}, "outside the workspace"),
        ("run_command", {"command": "ls", "cwd": "f.py", "reason": "file"}, "is not a directory"),
    ],
)
async def test_bad_arguments_to_a_run_tool_are_readable_errors_and_ask_nothing(
    workspace: Path, private_state: Path, tool: str, args: dict[str, Any], error: str
) -> None:
    panel = Panel(True)
    tools, _ = make_tools(workspace, panel, private_state)
    result = await tools.call(tool, args)
    assert error in result["error"] and panel.asked == []


SOCKET = """
import socket
try:
    socket.create_connection(("{host}", {port}), timeout=2)
    print("CONNECTED")
except OSError as exc:
    print("refused:", exc)
"""


async def test_the_sandbox_has_no_network(sandboxed: None, workspace: Path, private_state: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # a real server the host can reach
    port = listener.getsockname()[1]
    try:
        tools, _ = make_tools(workspace, Panel(True), private_state)
        result = await tools.call("run_python", {"code": SOCKET.format(host="127.0.0.1", port=port), "reason": "n"})
    finally:
        listener.close()
    assert "CONNECTED" not in result["output"] and "refused" in result["output"]


WRITES = """
import os, pathlib
for target in [os.environ["WORKSPACE"] + "/f.py", os.environ["WORKSPACE"] + "/new.txt", "{outside}"]:
    try:
        pathlib.Path(target).write_text("overwritten")
        print("WROTE", target)
    except OSError as exc:
        print("blocked", target, exc.errno)
pathlib.Path("own.txt").write_text("fine")
print("own dir ok")
"""


async def test_the_sandbox_keeps_the_workspace_and_the_rest_read_only(
    sandboxed: None, workspace: Path, private_state: Path, tmp_path: Path
) -> None:
    before = (workspace / "f.py").read_text()
    outside = tmp_path / "outside.txt"
    tools, _ = make_tools(workspace, Panel(True), private_state)
    result = await tools.call("run_python", {"code": WRITES.format(outside=outside), "reason": "w"})
    assert "WROTE" not in result["output"] and result["output"].count("blocked") == 3
    assert "own dir ok" in result["output"] and result["exit_code"] == 0
    assert (workspace / "f.py").read_text() == before
    assert not (workspace / "new.txt").exists() and not outside.exists()


async def test_the_sandbox_has_no_privileges(sandboxed: None, workspace: Path, private_state: Path) -> None:
    """Even when the daemon runs as root (CI): nobody, no capabilities, so no remounting the filesystem writable."""
    code = (
        "import os, subprocess\n"
        "print('uid', os.getuid())\n"
        "print([l for l in open('/proc/self/status') if l.startswith('CapEff')][0].split()[1])\n"
        "r = subprocess.run(['mount', '-o', 'remount,rw,bind', '/'], capture_output=True)\n"
        "print('mount rc', r.returncode)\n"
    )
    tools, _ = make_tools(workspace, Panel(True), private_state)
    result = await tools.call("run_python", {"code": code, "reason": "privileges"})
    assert "uid 65534" in result["output"] and "0000000000000000" in result["output"], result
    assert "mount rc 0" not in result["output"]


async def test_the_sandbox_caps_memory(sandboxed: None, workspace: Path, private_state: Path) -> None:
    limits = Limits(memory_bytes=256 * 2**20)
    tools, _ = make_tools(workspace, Panel(True), private_state, limits)
    code = "block = bytearray(1024 * 2**20)\nprint('ALLOCATED', len(block))"
    result = await tools.call("run_python", {"code": code, "reason": "big"})
    assert "ALLOCATED" not in result["output"] and "MemoryError" in result["output"]
    assert result["exit_code"] != 0


async def test_the_sandbox_sees_no_secret_from_the_environment(
    sandboxed: None, workspace: Path, private_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_API_KEY", GOOGLE_KEY)
    tools, _ = make_tools(workspace, Panel(True), private_state)
    code = "import os; print(sorted(os.environ))"
    result = await tools.call("run_python", {"code": code, "reason": "env"})
    assert "GOOGLE_API_KEY" not in result["output"] and "WORKSPACE" in result["output"]


async def test_run_python_times_out_and_is_stopped(sandboxed: None, workspace: Path, private_state: Path) -> None:
    tools, _ = make_tools(workspace, Panel(True), private_state, Limits(timeout_s=1.0))
    result = await tools.call(
        "run_python", {"code": "import time\nprint('start', flush=True)\ntime.sleep(60)", "reason": "t"}
    )
    assert "did not finish within 1s" in result["error"] and "start" in result["output"]


async def test_a_cancelled_run_python_kills_its_process(sandboxed: None, workspace: Path, private_state: Path) -> None:
    tools, audit_path = make_tools(workspace, Panel(True), private_state)
    # the first run also probes the sandbox with a snippet of its own; get that out of the way so the one bwrap
    # seen below is the sleeping one
    assert (await tools.call("run_python", {"code": "print(1)", "reason": "warm"}))["exit_code"] == 0
    await wait_until(lambda: _sandbox_pids() == [], "the earlier sandboxes to exit")
    task = asyncio.ensure_future(tools.call("run_python", {"code": "import time\ntime.sleep(60)", "reason": "c"}))
    await wait_until(lambda: _sandbox_pids() != [], "the sandbox to start")
    (pid,) = _sandbox_pids()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await wait_exited(pid)
    assert audit_lines(audit_path)[-1]["error"] == "cancelled by the model"


def _sandbox_pids() -> list[int]:
    """The sandboxes running a snippet that this test process started."""
    me = os.getpid()
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if fields[1] == "(bwrap)" and int(fields[3]) == me and b"snippet.py" in cmdline:
            out.append(int(stat.parent.name))
    return out


async def test_run_python_fails_closed_without_a_sandbox(
    workspace: Path, private_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(workspace))  # no bwrap on PATH
    panel = Panel(True)
    tools, audit_path = make_tools(workspace, panel, private_state)
    result = await tools.call("run_python", {"code": "print(1)", "reason": "x"})
    assert "needs bubblewrap" in result["error"] and "Nothing ran" in result["error"]
    assert panel.asked == []  # nobody is asked to allow what cannot be contained
    assert panel.reports[-1].outcome == "refused" and "bubblewrap" in panel.reports[-1].output
    assert audit_lines(audit_path)[0]["decision"] == "refused"


# -- run_command ---------------------------------------------------------------------------------------------
async def test_run_command_scrubs_keys_and_tokens(
    workspace: Path, private_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", GOOGLE_KEY)
    monkeypatch.setenv("DEPLOY_TOKEN", "tok-123")
    monkeypatch.setenv("MY_SECRET", "s-456")
    monkeypatch.setenv("HARMLESS", "visible")
    monkeypatch.setenv("NOT_LISTED", "unasked")
    panel = Panel(True)
    tools, audit_path = make_tools(workspace, panel, private_state, env_allow=("HARMLESS",))
    result = await tools.call("run_command", {"command": "env", "reason": "Look at the environment."})
    assert result["exit_code"] == 0 and "HARMLESS=visible" in result["output"]  # commandEnvAllow passes it
    for name in ("GEMINI_API_KEY", "DEPLOY_TOKEN", "MY_SECRET", "NOT_LISTED"):
        assert name not in result["output"]
    assert panel.reports[-1].where == "daemon"
    assert audit_lines(audit_path)[0]["decision"] == "allowed"


async def test_run_command_denied_runs_nothing(workspace: Path, private_state: Path) -> None:
    panel = Panel(False)
    tools, _ = make_tools(workspace, panel, private_state)
    result = await tools.call("run_command", {"command": "touch ran.txt", "reason": "Try."})
    assert result == {"error": "the user declined to run this command"}
    assert not (workspace / "ran.txt").exists() and panel.reports[-1].outcome == "denied"


async def test_run_command_times_out_and_is_stopped(workspace: Path, private_state: Path) -> None:
    tools, _ = make_tools(workspace, Panel(True), private_state, command_timeout_s=1.0)
    result = await tools.call("run_command", {"command": "echo started; sleep 60; touch late.txt", "reason": "t"})
    assert "did not finish within 1s" in result["error"] and "started" in result["output"]
    assert not (workspace / "late.txt").exists()


async def test_a_cancelled_run_command_kills_the_whole_group(workspace: Path, private_state: Path) -> None:
    panel = Panel(True)
    tools, _ = make_tools(workspace, panel, private_state)
    pid_file = workspace / "pid"
    command = f"sh -c 'echo $$ > {pid_file}; sleep 60; touch late.txt'"
    task = asyncio.ensure_future(tools.call("run_command", {"command": command, "reason": "c"}))
    await wait_until(lambda: pid_file.exists() and pid_file.read_text().strip() != "", "the command to start")
    pid = int(pid_file.read_text())
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await wait_exited(pid)
    assert not (workspace / "late.txt").exists()
    assert [(r.outcome, r.where) for r in panel.reports] == [("cancelled", "daemon")]


async def test_always_allow_is_remembered_per_workspace_and_revocable(
    workspace: Path, private_state: Path, tmp_path: Path
) -> None:
    panel = Panel("always")
    tools, audit_path = make_tools(workspace, panel, private_state)
    args = {"command": "echo hi", "reason": "Say hi."}
    assert (await tools.call("run_command", args))["exit_code"] == 0
    panel.answer = False  # had the user been asked again, this would deny
    assert (await tools.call("run_command", args))["exit_code"] == 0
    assert len(panel.asked) == 1
    other = await tools.call("run_command", {"command": "echo bye", "reason": "Another."})
    assert other == {"error": "the user declined to run this command"}  # only that exact command
    assert [e["decision"] for e in audit_lines(audit_path)] == ["always", "always", "denied"]

    allow = AllowList(private_state / "allowed.json")
    assert allow.list(workspace) == ["echo hi"] and allow.list(tmp_path) == []
    assert allow.revoke(workspace, "echo hi") == 1
    assert (await tools.call("run_command", args)) == {"error": "the user declined to run this command"}
    assert len(panel.asked) == 3
