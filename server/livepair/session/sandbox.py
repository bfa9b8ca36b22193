"""The sandbox `run_python` snippets run in: bubblewrap (Debian's `bubblewrap` package) plus rlimits.

What is enforced, and by what:
- no network: a new network namespace (`--unshare-all`): only an empty loopback exists, every connect fails;
- the workspace and the rest of the filesystem read-only: `--ro-bind / /`, a private read-only /tmp; the snippet's
  own temp dir (bound at /tmp/run: its cwd, HOME and TMPDIR) is the one writable place (besides the private
  /dev/shm), and it is deleted afterwards;
  the user's home is hidden behind an empty tmpfs unless the workspace or the interpreter lives in it;
- no view of other processes: new PID and IPC namespaces; `--die-with-parent` ends it with the daemon;
- no privileges: a new user namespace in which it runs as `nobody` with every capability dropped, even when the
  daemon runs as root (bwrap started by root keeps them otherwise);
- memory: `prlimit --as` (address space) and `--fsize` (largest file written), `--nproc` is left to the PID
  namespace; time: a wall-clock timeout from the daemon, which kills the whole process group;
- the environment: cleared (`--clearenv`), then only PATH, HOME, TMPDIR, LANG and PYTHON* basics.
Fails closed: without bwrap or prlimit, or when bwrap cannot create its namespaces here (a kernel or container
that forbids user namespaces), `Sandbox.unavailable` says why and nothing runs.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from livepair.session.process import ProcessResult, run_bounded

RUN_DIR = "/tmp/run"  # where the snippet's own dir appears inside the sandbox
SNIPPET = "snippet.py"


@dataclass(frozen=True)
class Limits:
    timeout_s: float = 30.0
    memory_bytes: int = 512 * 1024 * 1024
    file_bytes: int = 64 * 1024 * 1024
    max_output: int = 64 * 1024
    max_code: int = 64 * 1024


def project_python(root: Path) -> str | None:
    """The project's interpreter: its virtual environment's python if it has one, else python3 on PATH."""
    for venv in (".venv", "venv", "env"):
        candidate = root / venv / "bin" / "python"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("python3") or (sys.executable or None)


class Sandbox:
    def __init__(self, root: Path, limits: Limits | None = None, python: str | None = None) -> None:
        self.root = root
        self.limits = limits or Limits()
        self.python = python or project_python(root)
        self._probed: str | bool | None = False  # False: not probed yet; None: works; str: why not

    async def unavailable(self) -> str | None:
        """None when snippets can run here; else why not (told to the model and the user)."""
        if self._probed is False:
            self._probed = await self._probe()
        return self._probed if isinstance(self._probed, str) else None

    async def _probe(self) -> str | None:
        if sys.platform != "linux":
            return "the sandbox needs Linux namespaces (bubblewrap); this system has none"
        if shutil.which("bwrap") is None:
            return "the sandbox needs bubblewrap: install it (Debian: apt-get install bubblewrap)"
        if shutil.which("prlimit") is None:
            return "the sandbox needs prlimit (util-linux) for its memory cap"
        if self.python is None:
            return "no Python interpreter found for the project"
        with tempfile.TemporaryDirectory(prefix="livepair-probe-") as tmp:
            argv = [*self._bwrap(Path(tmp)), "/bin/true"]
            try:
                result = await run_bounded(argv, cwd=Path(tmp), env=_base_env(), timeout_s=10, max_output=4096)
            except OSError as exc:
                return f"the sandbox cannot start: {exc}"
        if result.exit_code != 0:
            why = result.output.strip().splitlines()[-1:] or ["no reason given"]
            return f"the sandbox cannot start here (bubblewrap: {why[0][:200]})"
        return None

    def _bwrap(self, own_dir: Path) -> list[str]:
        argv = [
            "bwrap",
            "--unshare-all",  # network, PID, IPC, UTS, cgroup
            "--unshare-user",  # always a user namespace, also for root: its capabilities end at the sandbox
            "--uid", "65534",
            "--gid", "65534",
            "--cap-drop", "ALL",  # bwrap run by root would otherwise keep them (and could remount / read-write)
            "--die-with-parent",
            "--new-session",  # no TIOCSTI into the daemon's terminal
            "--ro-bind", "/", "/",
            "--dev", "/dev",
            "--proc", "/proc",
            "--tmpfs", "/tmp",
        ]  # fmt: skip
        home = Path.home()
        keep = [self.root.resolve(), Path(self.python or "/").resolve()]
        for path in keep:  # a workspace (or venv) under /tmp would be hidden by the private /tmp: show it read-only
            if path.is_relative_to("/tmp"):
                argv += ["--ro-bind", str(path), str(path)]
        if home != Path("/") and home.is_dir() and not any(p.is_relative_to(home) for p in keep):
            argv += ["--tmpfs", str(home)]  # the user's dotfiles (keys, tokens) are not the snippet's business
        argv += [
            "--bind", str(own_dir), RUN_DIR,  # after the binds above: its own dir stays writable
            "--remount-ro", "/tmp",  # the private /tmp only holds the mount points: nothing else to write
            "--chdir", RUN_DIR,
            "--clearenv",
        ]  # fmt: skip
        for key, value in _sandbox_env(self.root).items():
            argv += ["--setenv", key, value]
        return argv

    def argv(self, own_dir: Path) -> list[str]:
        lim = self.limits
        return [
            *self._bwrap(own_dir),
            "--",
            "prlimit",
            f"--as={lim.memory_bytes}",
            f"--fsize={lim.file_bytes}",
            "--core=0",
            str(self.python),
            "-B",  # no .pyc written next to read-only sources
            SNIPPET,
        ]

    async def run(self, code: str) -> ProcessResult:
        """Run the snippet; the caller has checked `unavailable()` and has the user's yes."""
        with tempfile.TemporaryDirectory(prefix="livepair-run-") as tmp:
            own = Path(tmp)
            (own / SNIPPET).write_text(code, encoding="utf-8")
            return await run_bounded(
                self.argv(own),
                cwd=own,
                env=_base_env(),
                timeout_s=self.limits.timeout_s,
                max_output=self.limits.max_output,
            )


def _base_env() -> dict[str, str]:
    """What bwrap itself runs with (it clears it for the snippet)."""
    return {"PATH": os.environ.get("PATH") or "/usr/bin:/bin", "LANG": "C.UTF-8"}


def _sandbox_env(root: Path) -> dict[str, str]:
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": RUN_DIR,
        "TMPDIR": RUN_DIR,
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": str(root),  # the project's modules import; its files stay read-only
        "WORKSPACE": str(root),
    }
