"""Each sandbox escape found by issue 21's probes, tried for real against bubblewrap, and blocked.

Home read while the interpreter lives in home, /etc/shadow and root-only files with the daemon as root, a unix socket
in the workspace, 300 forks, 3 x 300 MB children, and a `setsid` child left behind by a timeout or a cancel. The
daemon side is the real `Sandbox` (the same object `run_python` uses); processes are watched through /proc.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from livepair.session.process import ProcessResult
from livepair.session.sandbox import Limits, Sandbox, project_python
from livepair.session.sandbox_check import refusal
from livepair.session.sandbox_guard import descendants
from tests.processes import wait_exited, wait_until
from tests.tooling import require_tool


@pytest.fixture(autouse=True)
def sandboxed() -> None:
    require_tool("bwrap", "prlimit", "setpriv", hint="scripts/setup-sandbox.sh installs bubblewrap and util-linux")


@pytest.fixture
def home_install() -> Iterator[Path]:
    """A venv in the user's home made from the interpreter running the tests (pyenv's, in home, on this machine),
    next to a secret file that must stay out of sight."""
    base = Path(tempfile.mkdtemp(prefix=".livepair-test-", dir=Path.home()))
    try:
        subprocess.run(
            [getattr(sys, "_base_executable", sys.executable), "-m", "venv", "--without-pip", str(base / "venv")],
            check=True,
        )
        (base / "secret.txt").write_text("HOME-SECRET")
        base.chmod(0o755)  # even readable by anyone: it must not be there at all
        yield base
    finally:
        shutil.rmtree(base)


def bwrap_children() -> list[int]:
    me = os.getpid()
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if "(bwrap)" in text and int(text[text.rfind(")") + 2 :].split()[1]) == me:
            found.append(int(stat.parent.name))
    return found


def cmdlines(pids: list[int]) -> list[bytes]:
    out = []
    for pid in pids:
        try:
            out.append(Path(f"/proc/{pid}/cmdline").read_bytes())
        except OSError:
            continue
    return out


async def test_home_stays_hidden_when_the_interpreter_lives_there(workspace: Path, home_install: Path) -> None:
    python = home_install / "venv" / "bin" / "python"
    code = (
        "import os, sys\n"
        "print('prefix', sys.prefix)\n"
        "try:\n"
        f"    print('READ', open({str(home_install / 'secret.txt')!r}).read())\n"
        "except OSError as exc:\n"
        "    print('hidden', type(exc).__name__)\n"
        f"print('home holds', sorted(os.listdir({str(Path.home())!r})))\n"
    )
    sandbox = Sandbox(workspace, python=str(python))
    result = await sandbox.run(code)
    assert result.exit_code == 0, result.output
    assert f"prefix {home_install / 'venv'}" in result.output  # the venv in home runs
    assert "HOME-SECRET" not in result.output and "hidden FileNotFoundError" in result.output
    # only the mount points on the way to the interpreter's prefixes: none of the home's own files
    seen = ast.literal_eval(result.output.split("home holds", 1)[1].strip())
    on_the_way = {p.relative_to(Path.home()).parts[0] for p in sandbox.prefixes() if p.is_relative_to(Path.home())}
    assert set(seen) == on_the_way and set(os.listdir(Path.home())) - on_the_way


async def test_the_snippet_is_never_uid_0_outside(workspace: Path) -> None:
    """As root (here and on CI) the kernel must see nobody; as a user, that user: never root."""
    code = "import time\ntime.sleep(30)  # inspected from outside\n"
    sandbox = Sandbox(workspace, limits=Limits(timeout_s=30))
    task = asyncio.ensure_future(sandbox.run(code))
    try:
        await wait_until(lambda: any(b"snippet.py" in c for c in _tree_cmdlines(python_only=True)), "the snippet")
        uids = {_real_uid(pid) for pid in _tree_pids(python_only=True)}
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    expected = 65534 if os.geteuid() == 0 else os.geteuid()
    assert uids == {expected} and 0 not in uids


def _tree_pids(python_only: bool) -> list[int]:
    pids = [p for root in bwrap_children() for p in descendants(root)]
    return [p for p in pids if not python_only or _is_python(p)]


def _is_python(pid: int) -> bool:
    """The interpreter itself, not the bwrap processes whose arguments also name the snippet."""
    argv0 = (cmdlines([pid]) or [b""])[0].split(b"\0")[0]
    return os.path.basename(argv0).startswith(b"python")


def _tree_cmdlines(python_only: bool) -> list[bytes]:
    return cmdlines(_tree_pids(python_only))


def _real_uid(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise AssertionError(f"no Uid line for {pid}")


async def test_etc_shadow_and_root_only_workspace_files_stay_closed(workspace: Path) -> None:
    (workspace / "root_only.env").write_text("DB_PASS=hunter2\n")
    (workspace / "root_only.env").chmod(0o600)
    code = (
        f"for path in ['/etc/shadow', {str(workspace / 'root_only.env')!r}]:\n"
        "    try:\n"
        "        print('READ', open(path).read())\n"
        "    except OSError as exc:\n"
        "        print('closed', type(exc).__name__)\n"
    )
    result = await Sandbox(workspace).run(code)
    assert "hunter2" not in result.output and result.output.count("closed") == 2, result.output


async def test_no_unix_socket_is_reachable(workspace: Path) -> None:
    path = workspace / "agent.sock"
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(path))
    listener.listen(1)
    listener.setblocking(False)
    abstract = socket.socket(socket.AF_UNIX)
    abstract.bind("\0livepair-test-abstract")
    abstract.listen(1)
    abstract.setblocking(False)
    code = (
        "import socket\n"
        f"for address in [{str(path)!r}, '\\0livepair-test-abstract']:\n"
        "    try:\n"
        "        s = socket.socket(socket.AF_UNIX)\n"
        "        s.connect(address)\n"
        "        print('CONNECTED', repr(address))\n"
        "    except OSError as exc:\n"
        "        print('blocked', exc.errno)\n"
        "a, b = socket.socketpair()\n"
        "a.send(b'pair ok')\n"
        "print(b.recv(10).decode())\n"
    )
    try:
        result = await Sandbox(workspace).run(code)
        for server in (listener, abstract):
            with pytest.raises(BlockingIOError):
                server.accept()  # nobody ever knocked
    finally:
        listener.close()
        abstract.close()
    assert "CONNECTED" not in result.output and result.output.count("blocked") == 2, result.output
    assert "pair ok" in result.output  # what asyncio and multiprocessing need still works


async def test_300_forks_hit_the_process_cap(workspace: Path) -> None:
    code = (
        "import os, signal\n"
        "started = 0\n"
        "for _ in range(300):\n"
        "    try:\n"
        "        if os.fork() == 0:\n"
        "            signal.pause()\n"
        "        started += 1\n"
        "    except OSError:\n"
        "        break\n"
        "print('started', started)\n"
    )
    limits = Limits(max_processes=32)
    result = await Sandbox(workspace, limits=limits).run(code)
    started = int(result.output.split("started")[1].split()[0])
    assert 0 < started < limits.max_processes, result.output


async def test_three_300_mb_children_exceed_the_total_memory_cap(workspace: Path) -> None:
    code = (
        "import os, signal, sys\n"
        "for _ in range(3):\n"
        "    if os.fork() == 0:\n"
        "        block = b'x' * (300 * 2**20)  # written, so resident\n"
        "        print('child holds 300 MB', flush=True)\n"
        "        signal.pause()\n"
        "for _ in range(3):\n"
        "    os.wait()\n"
        "print('ALL HELD')\n"
    )
    limits = Limits(memory_bytes=512 * 2**20, timeout_s=60)
    result = await Sandbox(workspace, limits=limits).run(code)
    assert "ALL HELD" not in result.output
    assert result.stopped is not None and "together used more than 512 MB" in result.stopped
    assert result.exit_code is None and result.duration_s < limits.timeout_s


SETSID_ESCAPE = (
    "import subprocess, sys, time\n"
    "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)  # escapee'], start_new_session=True)\n"
    "time.sleep(120)\n"
)


async def _escapees_after(
    workspace: Path, end: Callable[[asyncio.Task[ProcessResult]], object], timeout_s: float
) -> None:
    task: asyncio.Task[ProcessResult] = asyncio.ensure_future(
        Sandbox(workspace, Limits(timeout_s=timeout_s)).run(SETSID_ESCAPE)
    )
    await wait_until(lambda: any(b"escapee" in c for c in _tree_cmdlines(python_only=False)), "the setsid child")
    tree = _tree_pids(python_only=False)
    assert any(b"escapee" in c for c in cmdlines(tree))
    end(task)
    with contextlib.suppress(asyncio.CancelledError):
        await task
    for pid in tree:
        await wait_exited(pid)


async def test_a_setsid_child_dies_with_the_timeout(workspace: Path) -> None:
    await _escapees_after(workspace, lambda _task: None, timeout_s=3)


async def test_a_setsid_child_dies_with_the_cancel(workspace: Path) -> None:
    await _escapees_after(workspace, lambda task: task.cancel(), timeout_s=60)


AS_A_USER = """
import asyncio, json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from livepair.session.sandbox import Limits, Sandbox

ESCAPES = '''
import os, socket, json
out = {"uid": os.getuid()}
try:
    socket.socket(socket.AF_UNIX)
    out["unix"] = "made"
except OSError:
    out["unix"] = "blocked"
n = 0
for _ in range(300):
    try:
        if os.fork() == 0:
            import signal; signal.pause()
        n += 1
    except OSError:
        break
out["forks"] = n
out["workspace"] = sorted(os.listdir(os.environ["WORKSPACE"]))
print(json.dumps(out))
'''

async def main():
    sandbox = Sandbox(Path(sys.argv[2]), Limits(max_processes=16))
    print(json.dumps({"unavailable": await sandbox.unavailable(), "as_root": sandbox.as_root}))
    print((await sandbox.run(ESCAPES)).output)

asyncio.run(main())
"""


@pytest.fixture
def open_workspace() -> Iterator[Path]:
    """A workspace any user may read (pytest's tmp dirs are root's alone): for a daemon run by nobody."""
    root = Path(tempfile.mkdtemp(prefix="livepair-ws-"))
    try:
        root.chmod(0o755)
        (root / "f.py").write_text("print('hi')\n")
        (root / "f.py").chmod(0o644)
        yield root
    finally:
        shutil.rmtree(root)


async def test_as_an_ordinary_user_the_same_escapes_are_blocked(open_workspace: Path) -> None:
    """The other path: bwrap unprivileged, in a user namespace (as root the test drops to nobody to take it)."""
    workspace = open_workspace
    python = project_python(workspace)
    assert python is not None
    server = str(Path(__file__).parents[2] / "server")
    drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/nonexistent", "LANG": "C.UTF-8"}
    proc = await asyncio.create_subprocess_exec(
        *drop, python, "-c", AS_A_USER, server, str(workspace), env=env, stdout=subprocess.PIPE
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    head, body = out.decode().strip().split("\n", 1)
    assert json.loads(head) == {"unavailable": None, "as_root": False}
    seen = json.loads(body)
    assert seen["uid"] == 65534 and seen["unix"] == "blocked" and 0 < seen["forks"] < 16
    assert "f.py" in seen["workspace"]  # the workspace is there, read-only


async def test_the_approval_lists_what_the_self_check_saw(workspace: Path) -> None:
    sandbox = Sandbox(workspace)
    assert sandbox.isolation() == ["not checked yet: nothing runs before the sandbox's self-check"]
    assert await sandbox.unavailable() is None
    lines = sandbox.isolation()
    assert "network: none (own network namespace; checked)" in lines
    assert "unix sockets: blocked (seccomp; checked)" in lines
    outside = "nobody (uid 65534) outside too" if os.geteuid() == 0 else f"your uid {os.geteuid()} outside"
    assert f"user: uid 65534 inside, {outside}; no capabilities (checked)" in lines
    assert any(line.startswith(f"processes: at most {Limits().max_processes};") for line in lines)
    assert [line for line in lines if line.startswith("NOT")] == [
        "NOT isolated: CPU use until the timeout; world-readable files of the workspace and of /usr"
    ]
    assert not (workspace / ".livepair-write-check").exists()


async def test_what_the_self_check_finds_open_is_said_or_refused(workspace: Path) -> None:
    sandbox = Sandbox(workspace)
    sandbox.seccomp = None  # a CPU without a filter: unix sockets can be made
    assert await sandbox.unavailable() is None
    assert any(line.startswith("NOT isolated: unix sockets") for line in sandbox.isolation())

    facts: dict[str, object] = {"network": False, "home": True, "shadow": True, "workspace_ro": True, "caps": True}
    why = refusal({**facts, "nproc": 32}, 32)
    assert why == "the sandbox's self-check found it does not isolate the network"
    assert refusal({**facts, "network": True, "nproc": -1}, 32) == (
        "the sandbox's self-check found it does not isolate the process cap"
    )


async def test_writes_are_bounded_in_size_and_place(workspace: Path) -> None:
    """No filling the host's disk or memory: the own dir and /dev/shm hold file_bytes each, and vanish after."""
    code = (
        "import os\n"
        "for folder in ['.', '/dev/shm']:\n"
        "    written = 0\n"
        "    try:\n"
        "        for n in range(40):\n"
        "            with open(os.path.join(folder, f'blob{n}'), 'wb') as out:\n"
        "                out.write(b'x' * 2**20)\n"
        "            written += 1\n"
        "    except OSError as exc:\n"
        "        print(folder, 'full', exc.errno)\n"
        "    print(folder, 'wrote', written, 'MB')\n"
    )
    result = await Sandbox(workspace, Limits(file_bytes=16 * 2**20)).run(code)
    wrote = [int(line.split()[2]) for line in result.output.splitlines() if " wrote " in line]
    assert len(wrote) == 2 and all(n <= 16 for n in wrote), result.output  # of the 40 MB tried
    assert result.output.count("full 28") == 2  # ENOSPC: the tmpfs is full, nothing spilled onto the host


async def test_a_workspace_in_home_shows_only_itself_of_home(home_install: Path) -> None:
    root = home_install / "project"
    root.mkdir()
    (root / "f.py").write_text("X = 1\n")
    sandbox = Sandbox(root)
    assert await sandbox.unavailable() is None  # the self-check accepts the workspace's own way through home
    secret = home_install / "secret.txt"
    code = f"import os, f\nprint(f.X, sorted(os.listdir({str(home_install)!r})), os.path.exists({str(secret)!r}))"
    result = await sandbox.run(code)
    assert result.output.strip() == "1 ['project'] False", result.output
