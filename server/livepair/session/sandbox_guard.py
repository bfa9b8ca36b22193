"""What the sandbox adds around bubblewrap: a seccomp filter with no unix sockets, and the tree's total memory.

- `no_unix_sockets_filter()`: a classic-BPF seccomp program (the bytes bwrap's `--seccomp FD` loads) that makes
  `socket(AF_UNIX, ...)` fail with EPERM. A unix socket is reachable through any bound path, read-only or not (connect
  needs no write access to the mount), so the only sure way is to never let the snippet make one. `socketpair` stays
  allowed (asyncio and multiprocessing use it; it reaches nothing outside). Any other ABI (x32, i386 through
  `int 0x80`) gets EPERM for every call, so the check cannot be sidestepped.
- `tree_memory()` / `watch_memory()`: the resident memory of a process and all its descendants, read from /proc. Where
  no cgroup v2 memory controller is delegated to us, this is how "all processes together" is capped: the daemon
  polls and kills the whole sandbox once the sum passes the cap (RLIMIT_AS only bounds each process on its own).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import signal
import struct
from pathlib import Path

# seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6] (args[0]'s low word first on little-endian)
_NR, _ARCH, _ARG0 = 0, 4, 16
_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_ALLOW, _EPERM = 0x7FFF0000, 0x00050000 | 1
_AF_UNIX = 1
_X32_BIT = 0x40000000
# machine -> (AUDIT_ARCH_*, the socket syscall's number)
_ARCHES = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}
POLL_S = 0.1  # one scan of /proc costs ~3 ms here


def no_unix_sockets_filter() -> bytes | None:
    """The seccomp program for this machine; None where it is not known (the approval then says so)."""
    known = _ARCHES.get(platform.machine())
    if known is None:
        return None
    arch, socket_nr = known
    program = [
        (_LD_W_ABS, 0, 0, _ARCH),
        (_JEQ_K, 1, 0, arch),  # this ABI: go on; anything else: EPERM
        (_RET_K, 0, 0, _EPERM),
        (_LD_W_ABS, 0, 0, _NR),
        (_JGE_K, 4, 0, _X32_BIT),  # x32 numbers: EPERM
        (_JEQ_K, 0, 2, socket_nr),
        (_LD_W_ABS, 0, 0, _ARG0),
        (_JEQ_K, 1, 0, _AF_UNIX),
        (_RET_K, 0, 0, _ALLOW),
        (_RET_K, 0, 0, _EPERM),
    ]
    return b"".join(struct.pack("=HBBI", *op) for op in program)


def _children_of() -> dict[int, list[int]]:
    """ppid -> pids over all of /proc, read raw (this runs every POLL_S while a snippet runs)."""
    tree: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            fd = os.open(f"/proc/{name}/stat", os.O_RDONLY)
            try:
                data = os.read(fd, 512)
            finally:
                os.close(fd)
        except OSError:  # gone meanwhile
            continue
        # the name may hold spaces or parentheses: the fields after the last ")" are fixed (state, ppid, ...)
        fields = data[data.rfind(b")") + 2 :].split(None, 2)
        if len(fields) >= 2:
            tree.setdefault(int(fields[1]), []).append(int(name))
    return tree


def descendants(pid: int) -> list[int]:
    """pid and every process under it (a `setsid` child is still one: only its session changed)."""
    tree = _children_of()
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(tree.get(current, []))
    return found


def tree_memory(pid: int) -> int:
    """Resident bytes of the whole tree under pid."""
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for member in descendants(pid):
        with contextlib.suppress(OSError, ValueError, IndexError):
            total += int(Path(f"/proc/{member}/statm").read_text().split()[1]) * page
    return total


def kill_tree(pid: int) -> None:
    """SIGKILL every process under pid, found before any of them dies (so none is reparented out of sight)."""
    for member in descendants(pid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(member, signal.SIGKILL)


async def watch_memory(pid: int, cap_bytes: int) -> str:
    """Return (with why) once the tree under pid holds more than cap_bytes; the caller then kills it."""
    while True:
        used = tree_memory(pid)
        if used > cap_bytes:
            return f"stopped: its processes together used more than {cap_bytes // 2**20} MB ({used // 2**20} MB seen)"
        await asyncio.sleep(POLL_S)
