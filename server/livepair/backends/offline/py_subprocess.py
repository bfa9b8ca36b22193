"""subprocess asked to start a shell builtin (cd, source, export...): there is no such program to run, and in a
child process it would change nothing in this one. Say what does the builtin's job from Python."""

from __future__ import annotations

import re

from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.py_crash import crash

MISSING = re.compile(r"\[Errno 2\] No such file or directory: '(?P<name>[^'/]+)'")
INSTEAD = {
    "cd": "to change the folder, use os.chdir(path), or pass cwd=path to the subprocess call that needs it",
    "pushd": "to change the folder, use os.chdir(path), or pass cwd=path to the subprocess call that needs it",
    "popd": "to change the folder, use os.chdir(path), or pass cwd=path to the subprocess call that needs it",
    "export": "to set a variable for the commands you start, set os.environ[...] or pass env={...} to the call",
    "source": "to use what the script sets, pass its variables with env={...} (or run the script and the command "
    "in one bash -c '...' call)",
    ".": "to use what the script sets, pass its variables with env={...} (or run the script and the command in "
    "one bash -c '...' call)",
    "alias": "an alias exists only inside a shell: call the program it names directly",
    "ulimit": "use the resource module (resource.setrlimit) in a preexec_fn, or run it inside bash -c '...'",
    "umask": "use os.umask(...) in Python",
}


def advise(facts: Facts) -> Finding | None:
    c = crash(facts)
    m = MISSING.search(c.detail) if c is not None and c.kind == "FileNotFoundError" else None
    if c is None or m is None or m["name"] not in INSTEAD or "subprocess.py" not in facts.output:
        return None
    name = m["name"]
    return Finding(
        f"'{name}' is a shell builtin, not a program: subprocess starts programs, so there is no '{name}' to run "
        f"(and in a child process it would not change this one anyway). Instead, {INSTEAD[name]}.",
        c.place,
    )
