"""The sandbox `run_python` snippets run in: bubblewrap (Debian's `bubblewrap` package), rlimits and a seccomp filter.

What is enforced, and by what (`Sandbox.isolation()` says the same to the user, for this machine):
- files: nothing of the host's tree but /usr (and the /bin, /lib links), a few loader files of /etc, the
  interpreter's prefixes (its venv and base install, read-only, also when they live in home), the workspace
  read-only and a private /tmp; the snippet's own dir (/tmp/run: its cwd, HOME and TMPDIR) and /dev/shm are the
  only writable places, each a tmpfs of `file_bytes` at most, gone afterwards. Home, /etc/shadow, /run and /var are
  simply not there;
- no network: a new network namespace (`--unshare-net`): only an empty loopback exists;
- no unix socket: a seccomp filter fails `socket(AF_UNIX)` (a socket file is connectable through a read-only bind);
- never uid 0 outside: as root, bwrap runs without a user namespace and `setpriv` drops to nobody (65534) with no
  capabilities before the interpreter starts, so the kernel checks files as nobody; as another user, a user
  namespace maps "nobody" inside to that user outside;
- no view of other processes: new PID and IPC namespaces; `--die-with-parent` ends it with the daemon;
- processes: RLIMIT_NPROC; memory: RLIMIT_AS per process plus the whole tree's resident memory, polled by the daemon
  (`sandbox_guard.watch_memory`), which kills every process of the sandbox past the cap; time: a wall-clock timeout;
  a timeout or a cancel kills every descendant (also a `setsid` one) and the PID namespace with it;
- the environment: cleared (`--clearenv`), then only PATH, HOME, TMPDIR, LANG and PYTHON* basics.
Fails closed: without bwrap, setpriv or prlimit, or when bwrap cannot create its namespaces here (a kernel or container
that forbids them), `Sandbox.unavailable` says why and nothing runs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from livepair.session.process import ProcessResult, run_bounded
from livepair.session.sandbox_check import isolation_lines, read_facts, refusal, self_check_code
from livepair.session.sandbox_guard import kill_tree, no_unix_sockets_filter, watch_memory

RUN_DIR = "/tmp/run"  # where the snippet's own dir appears inside the sandbox
SNIPPET = "snippet.py"
NOBODY = 65534
# /etc is not bound whole (shadow, credentials, service configs): only what the loader and Python's startup read
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "nsswitch.conf", "alternatives", "ssl")
TOP_LINKS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")  # merged-/usr links, or real dirs on older systems


@dataclass(frozen=True)
class Limits:
    timeout_s: float = 30.0
    memory_bytes: int = 512 * 1024 * 1024  # per process (RLIMIT_AS) and for all of them together (watched)
    file_bytes: int = 64 * 1024 * 1024
    max_output: int = 64 * 1024
    max_code: int = 64 * 1024
    max_processes: int = 32  # RLIMIT_NPROC: counted per user, so per sandbox user
    niceness: int = 0  # > 0: background work (the offline advisor's fix re-runs) yields the CPU to the editor


def project_python(root: Path) -> str | None:
    """The project's interpreter: its virtual environment's python if it has one, else a real python3 on PATH.

    A pyenv/asdf shim is a shell script that needs the whole tool (and home) to pick a version: it is skipped for
    the first real interpreter on PATH, so the sandbox only has to show that interpreter's prefix."""
    for venv in (".venv", "venv", "env"):
        candidate = root / venv / "bin" / "python"
        with contextlib.suppress(OSError):  # a workspace this user cannot read has no venv for it
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    for folder in os.get_exec_path():
        candidate = Path(folder) / "python3"
        if Path(folder).name != "shims" and _is_binary(candidate):
            return str(candidate)
    return sys.executable or None


def _is_binary(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"\x7fELF" and os.access(path, os.X_OK)
    except OSError:
        return False


def interpreter_prefixes(python: str) -> list[Path]:
    """The directories the interpreter needs, found without running it (it may be the workspace's own file).

    A venv: the venv itself plus the base install named by `pyvenv.cfg`'s `home`; any interpreter: the install its
    resolved binary lives in (`<prefix>/bin/python3.x`)."""
    exe = Path(python).absolute()
    prefixes = [exe.resolve().parent.parent]
    cfg = exe.parent.parent / "pyvenv.cfg"
    try:
        lines = cfg.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:  # not a venv (or not readable: then it cannot be run either)
        lines = None
    if lines is not None:
        prefixes.append(exe.parent.parent)
        for line in lines:
            key, _, value = line.partition("=")
            if key.strip() == "home" and value.strip():
                prefixes.append(Path(value.strip()).resolve().parent)
    return [p for p in dict.fromkeys(prefixes) if p != Path("/")]


class Sandbox:
    def __init__(self, root: Path, limits: Limits | None = None, python: str | None = None) -> None:
        self.root = root.resolve()
        self.limits = limits or Limits()
        self.python = python or project_python(root)
        self.as_root = os.geteuid() == 0
        self.seccomp = no_unix_sockets_filter()
        self._probed: str | bool | None = False  # False: not probed yet; None: works; str: why not
        self._facts: dict[str, object] | None = None  # what the self-check saw inside

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
        if shutil.which("prlimit") is None or shutil.which("setpriv") is None:
            return "the sandbox needs prlimit and setpriv (util-linux) for its caps and its user"
        if self.python is None:
            return "no Python interpreter found for the project"
        # the real thing, so every bind and limit is tried, and what it isolates is seen, not assumed
        result = await self.run(self_check_code(Path.home(), [*self.prefixes(), self.root]), timeout_s=20)
        facts = read_facts(result.output) if result.exit_code == 0 else None
        if facts is None:
            why = result.output.strip().splitlines()[-1:] or [result.stopped or "no reason given"]
            return f"the sandbox cannot start here ({why[0][:200]})"
        self._facts = facts
        return refusal(facts, self.limits.max_processes)

    def isolation(self) -> list[str]:
        """What the self-check saw isolated on this machine and what is not, one line each, for the approval."""
        if self._facts is None:
            return ["not checked yet: nothing runs before the sandbox's self-check"]
        lim = self.limits
        lines = isolation_lines(
            self._facts,
            as_root=self.as_root,
            uid=os.geteuid(),
            timeout_s=lim.timeout_s,
            memory_mb=lim.memory_bytes // 2**20,
        )
        if self.as_root and self.root.stat().st_mode & 0o005 != 0o005:
            lines.append("the workspace is not world-readable: the code runs as nobody and cannot read it")
        return lines

    def prefixes(self) -> list[Path]:
        return interpreter_prefixes(str(self.python))

    def _bwrap(self, own_dir: Path) -> list[str]:
        argv = ["bwrap", "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
        if self.as_root:  # no user namespace: setpriv inside drops to nobody for real; only it may change uid
            argv += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        else:
            argv += ["--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY), "--cap-drop", "ALL"]
        argv += [
            "--die-with-parent",
            "--new-session",  # no TIOCSTI into the daemon's terminal
            "--ro-bind", "/usr", "/usr",
            "--dev", "/dev",
            "--perms", "1777", "--size", str(self.limits.file_bytes), "--tmpfs", "/dev/shm",  # bounded, not RAM/2
            "--proc", "/proc",
            "--tmpfs", "/tmp",
        ]  # fmt: skip
        for name in TOP_LINKS:
            top = Path("/") / name
            if top.is_symlink():
                argv += ["--symlink", os.readlink(top), str(top)]
            elif top.is_dir():
                argv += ["--ro-bind", str(top), str(top)]
        binds = [Path("/etc") / name for name in ETC_FILES if (Path("/etc") / name).exists()]
        binds += [p for p in [*self.prefixes(), self.root] if not p.is_relative_to("/usr")]
        made: set[Path] = {Path("/"), Path("/tmp")}
        for path in binds:
            for parent in reversed(path.parents):  # bwrap makes missing mount points 0700: nobody could not pass
                if parent not in made:
                    made.add(parent)
                    argv += ["--perms", "0755", "--dir", str(parent)]
            argv += ["--ro-bind", str(path), str(path)]
        argv += [
            # its own dir: a size-bounded tmpfs (no filling the host's disk), after the binds above so it stays
            # writable, holding the snippet read-only
            "--perms", "1777", "--size", str(self.limits.file_bytes), "--tmpfs", RUN_DIR,
            "--ro-bind", str(own_dir / SNIPPET), f"{RUN_DIR}/{SNIPPET}",
            "--remount-ro", "/tmp",  # the private /tmp only holds the mount points: nothing else to write
            "--chdir", RUN_DIR,
            "--clearenv",
        ]  # fmt: skip
        for key, value in _sandbox_env(self.root).items():
            argv += ["--setenv", key, value]
        return argv

    def argv(self, own_dir: Path, seccomp_fd: int | None = None) -> list[str]:
        lim = self.limits
        argv = self._bwrap(own_dir)
        if seccomp_fd is not None:
            argv += ["--seccomp", str(seccomp_fd)]
        argv.append("--")
        if self.as_root:
            argv += ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--inh-caps=-all"]
        if lim.niceness > 0:
            argv += ["nice", "-n", str(lim.niceness)]
        return [
            *argv,
            "prlimit",
            f"--as={lim.memory_bytes}",
            f"--nproc={lim.max_processes}",
            f"--fsize={lim.file_bytes}",
            "--core=0",
            str(self.python),
            "-B",  # no .pyc written next to read-only sources
            SNIPPET,
        ]

    async def run(self, code: str, timeout_s: float | None = None) -> ProcessResult:
        """Run the snippet; the caller has checked `unavailable()` and has the user's yes."""
        with tempfile.TemporaryDirectory(prefix="livepair-run-") as tmp:
            own = Path(tmp)
            (own / SNIPPET).write_text(code, encoding="utf-8")
            os.chmod(own / SNIPPET, 0o644)  # nobody (the snippet, when the daemon is root) reads it
            seccomp_fd = _memfd(self.seccomp) if self.seccomp is not None else None
            try:
                return await run_bounded(
                    self.argv(own, seccomp_fd),
                    cwd=own,
                    env=_base_env(),
                    timeout_s=timeout_s or self.limits.timeout_s,
                    max_output=self.limits.max_output,
                    pass_fds=() if seccomp_fd is None else (seccomp_fd,),
                    guard=lambda pid: watch_memory(pid, self.limits.memory_bytes),
                    kill_tree=kill_tree,
                )
            finally:
                if seccomp_fd is not None:
                    os.close(seccomp_fd)


def _memfd(data: bytes) -> int:
    fd = os.memfd_create("livepair-seccomp", 0)  # no CLOEXEC: passed to bwrap, which reads it once
    os.write(fd, data)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


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
