"""subprocess asked to start a shell builtin (cd, source, export...): there is no such program to run, and in a
child process it would change nothing in this one; say what does the builtin's job from Python. And a command's
output used as text while subprocess gave bytes."""

from __future__ import annotations

import ast
import re

from livepair.backends.offline import flow
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.py_crash import crash, proposed, replace_line

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
    return shell_builtin(facts) or output_as_bytes(facts)


def shell_builtin(facts: Facts) -> Finding | None:
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


def output_as_bytes(facts: Facts) -> Finding | None:
    """`run(...).stdout.split('\\n')`: subprocess gives bytes unless asked for text."""
    c = crash(facts)
    tree = c.tree if c is not None else None
    if c is None or tree is None or c.detail != "a bytes-like object is required, not 'str'":
        return None
    used = re.search(r"(?P<name>\w+)(?P<attr>\.stdout|\.stderr)?\.(?:split|replace|startswith|endswith|strip)\(['\"]",
                     c.code)  # fmt: skip
    assigned = flow.last_assignment(tree, c.text, used["name"], c.place.line) if used else None
    call = assigned.value if assigned is not None else None
    if used is None or not isinstance(call, ast.Call) or not re.search(r"\b(run|check_output|Popen)$", _name(call)):
        return None
    if any(k.arg in ("text", "universal_newlines", "encoding") for k in call.keywords):
        return None
    assert assigned is not None
    message = (
        f"{used['name']}{used['attr'] or ''} is bytes: subprocess gives bytes unless asked for text, and line "
        f"{c.place.line} uses it with a str. Pass text=True to the call on line {assigned.line} (or .decode() the "
        "output)."
    )
    lines = c.text.splitlines()
    end = call.end_lineno or assigned.line
    closing = lines[end - 1]
    cut = closing.rfind(")") if end != assigned.line or call.end_col_offset is None else call.end_col_offset - 1
    fixed = closing[:cut] + ", text=True" + closing[cut:] if cut >= 0 else closing
    return proposed(message, ws.Place(c.place.path, assigned.line), c.text, replace_line(c.text, end, fixed),
                    "text=True")  # fmt: skip


def _name(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
