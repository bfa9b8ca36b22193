"""The sandbox's self-check: a snippet run once inside it reports what it can reach, and the approval says that.

What the approval lists as isolated is what this check saw on this machine, not what the flags intend. A failed
network, file, privilege or process check refuses the sandbox (fail closed); a unix socket that could be made (no
seccomp filter for this CPU) is allowed but said plainly.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

# Formatted with the paths to look at; prints one JSON object. Runs with the sandbox's interpreter, stdlib only.
SELF_CHECK = """
import json, os, resource, socket
facts = {{}}
try:
    socket.socket(socket.AF_UNIX).close()
    facts["unix"] = False
except OSError:
    facts["unix"] = True
with open("/proc/net/dev") as dev:
    facts["network"] = [line.split(":")[0].strip() for line in dev.readlines()[2:]] in ([], ["lo"])
home = {home!r}
facts["home"] = not os.path.isdir(home) or set(os.listdir(home)) <= set({on_the_way!r})
facts["shadow"] = not os.path.exists("/etc/shadow")
try:
    probe = os.path.join(os.environ["WORKSPACE"], ".livepair-write-check")
    open(probe, "w").close()
    os.remove(probe)
    facts["workspace_ro"] = False
except OSError:
    facts["workspace_ro"] = True
with open("/proc/self/status") as status:
    facts["caps"] = [line.split()[1] for line in status if line.startswith("CapEff")] == ["0000000000000000"]
facts["uid"] = os.getuid()
facts["nproc"] = resource.getrlimit(resource.RLIMIT_NPROC)[0]
facts["address_space"] = resource.getrlimit(resource.RLIMIT_AS)[0]
print(json.dumps(facts))
"""
REQUIRED = {
    "network": "the network",
    "home": "your home folder",
    "shadow": "/etc/shadow",
    "workspace_ro": "writes to the workspace",
    "caps": "capabilities",
}


def self_check_code(home: Path, prefixes: list[Path]) -> str:
    """The snippet, told which names may show in home: only the mount points on the way to the interpreter's
    prefixes and the workspace."""
    on_the_way = sorted({p.relative_to(home).parts[0] for p in prefixes if p.is_relative_to(home) and p != home})
    return SELF_CHECK.format(home=str(home), on_the_way=on_the_way)


def read_facts(output: str) -> dict[str, object] | None:
    for line in reversed(output.strip().splitlines()):
        try:
            facts = json.loads(line)
        except ValueError:
            continue
        return facts if isinstance(facts, dict) else None
    return None


def refusal(facts: Mapping[str, object], max_processes: int) -> str | None:
    """Why the sandbox must not be used, from what the check saw; None when it holds."""
    open_ = [what for key, what in REQUIRED.items() if facts.get(key) is not True]
    if facts.get("nproc") != max_processes:
        open_.append("the process cap")
    if open_:
        return f"the sandbox's self-check found it does not isolate {', '.join(open_)}"
    return None


def isolation_lines(
    facts: Mapping[str, object], *, as_root: bool, uid: int, timeout_s: float, memory_mb: int
) -> list[str]:
    outside = "nobody (uid 65534) outside too" if as_root else f"your uid {uid} outside"
    lines = [
        "network: none (own network namespace; checked)",
        "files: only the interpreter and the workspace, read-only; home and /etc/shadow not visible (checked)",
        f"user: uid {facts.get('uid')} inside, {outside}; no capabilities (checked)",
        "unix sockets: blocked (seccomp; checked)"
        if facts.get("unix") is True
        else "NOT isolated: unix sockets (no seccomp filter here): a socket in the workspace is reachable",
        f"processes: at most {facts.get('nproc')}; memory: {memory_mb} MB per process and in all "
        "(the total watched by LivePair: no cgroup v2 here)",
        f"time: {timeout_s:.0f} s, then every process it started is killed",
        "NOT isolated: CPU use until the timeout; world-readable files of the workspace and of /usr",
    ]
    return lines
