"""Node errors whose cause the code shows, though the error names something else: a callback given a call's
result or left out, a statement that runs on into the next line's parentheses (no semicolon), a response sent
twice, map(parseInt), a misspelt function of a core module (checked against the module itself), and a program that
spawn() found nowhere on PATH. Each is said only when the code (or the machine) shows it; no quick fix is offered
for JavaScript, which the daemon cannot check before offering it.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import shutil
import subprocess

from livepair.backends.offline import node_fixes
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.edits import line_of
from livepair.backends.offline.enrich import Facts, Finding, headline

CALLBACK = re.compile(r'The "(?:cb|callback)" argument must be of type function\. Received undefined')
TIMER_CALL = re.compile(r"\b(?P<timer>setTimeout|setInterval|setImmediate)\(\s*(?P<call>(?P<fn>[\w$.]+)\([^()]*\))")
FS_ASYNC = (
    "writeFile",
    "readFile",
    "appendFile",
    "mkdir",
    "readdir",
    "unlink",
    "rename",
    "stat",
    "copyFile",
    "rm",
    "exists",
    "access",
    "lstat",
    "rmdir",
    "chmod",
    "readlink",
    "symlink",
    "truncate",
)
FS_CALL = re.compile(rf"\b(?P<mod>[\w$]+)\.(?P<fn>{'|'.join(FS_ASYNC)})\((?P<args>.*)\)")
NOT_FUNCTION = re.compile(r"(?P<expr>[\w$.()\[\]'\"]+?) is not a function")
RESPONSE = re.compile(r"\bres\.(?:end|send|json|render|redirect|sendFile|sendStatus)\(")
SPAWN_ENOENT = re.compile(r"spawn (?P<cmd>[\w.+-]+) ENOENT")
CORE = ("fs", "path", "os", "child_process", "http", "https", "url", "util", "crypto", "events", "zlib", "net")


def advise(kind: str, code: str, msg: str, where: ws.Place | None, facts: Facts, command: str) -> Finding | None:
    text = _read(where)
    for detect in (_callback, _runs_on, _core_typo, _sent_twice, _map_parse_int):
        found = detect(msg, where, text, facts) if where is not None and text is not None else None
        if found is not None:
            return found
    return _not_on_path(facts)


def _callback(msg: str, where: ws.Place, text: str, facts: Facts) -> Finding | None:
    if not CALLBACK.search(msg):
        return None
    line = line_of(text, where.line) or ""
    timer = TIMER_CALL.search(line)
    if timer is not None:
        fn, call = timer["fn"], timer["call"]
        return Finding(
            f"{timer['timer']} is given {call}, which calls {fn} right away and passes what it returns "
            f"(undefined), not a function to call later. Pass the function itself: {timer['timer']}({fn}, ...) "
            f"(or () => {call}).",
            where,
            headline=headline(f"{call} runs now; pass {fn} itself", "a call's result given as the callback"),
        )
    m = FS_CALL.search(line)
    if m is not None and not re.search(r"=>|\bfunction\b", m["args"]):
        fn = m["fn"]
        promised = "" if fn == "exists" else f", or await fs.promises.{fn}(...) (require('fs/promises'))"
        said = Finding(
            f"{m['mod']}.{fn}() takes a callback as its last argument, and none is given. Use {m['mod']}.{fn}Sync"
            f"(...) to wait for it here{promised}.",
            where,
            headline=headline(f"{m['mod']}.{fn} needs a callback, or use {fn}Sync"),
        )
        call = rf"\b{re.escape(m['mod'])}\.{fn}\("
        return node_fixes.line_edited(said, where, call, f"{m['mod']}.{fn}Sync(", f"Call {m['mod']}.{fn}Sync")
    return None


def _runs_on(msg: str, where: ws.Place, text: str, facts: Facts) -> Finding | None:
    """`a = require('x')` and, on the next line, `(...)`: without a semicolon they are one call expression."""
    m = NOT_FUNCTION.search(msg)
    lines = text.splitlines()
    if m is None or not 0 < where.line <= len(lines):
        return None
    for opener in (where.line, where.line + 1):  # the stack names the line of the call or of its callee
        before = opener - 1
        while before > 0 and not lines[before - 1].strip():
            before -= 1
        if opener > len(lines) or before < 1 or not lines[opener - 1].lstrip().startswith(("(", "[", "`")):
            continue
        ended = lines[before - 1].split("//")[0].rstrip()
        if ended.endswith((")", "]", "}")) or re.search(r"[\w$'\"]$", ended):
            return Finding(
                f"Line {before} has no semicolon at its end, and line {opener} starts with "
                f"'{lines[opener - 1].lstrip()[0]}', so JavaScript reads them as one expression: it calls what line "
                f"{before} gives ({m['expr']}) with line {opener}'s parentheses. End line {before} with a semicolon.",
                ws.Place(where.path, before),
                headline=headline(f"line {before} needs a semicolon", "a missing semicolon joins two lines"),
            )
    return None


def _core_typo(msg: str, where: ws.Place, text: str, facts: Facts) -> Finding | None:
    m = re.match(r"(?P<var>[\w$]+)\.(?P<fn>[\w$]+) is not a function", msg)
    if m is None:
        return None
    bound = re.search(
        rf"""\b(?:const|let|var)\s+{re.escape(m["var"])}\s*=\s*require\(\s*['"](?:node:)?(?P<mod>[\w/]+)['"]\s*\)""",
        text,
    )
    names = core_exports().get(bound["mod"], ()) if bound else ()
    close = difflib.get_close_matches(m["fn"], names, n=1, cutoff=0.8)
    if bound is None or not close or m["fn"] in names:
        return None
    said = Finding(
        f"Node's {bound['mod']} module has no {m['fn']}(); it has {close[0]}(): a typo. Call "
        f"{m['var']}.{close[0]}(...).",
        where,
        headline=headline(f"{m['var']}.{m['fn']} is a typo of {close[0]}"),
    )
    call = rf"\b{re.escape(m['var'])}\.{re.escape(m['fn'])}\b"
    return node_fixes.line_edited(said, where, call, f"{m['var']}.{close[0]}", f"Call {m['var']}.{close[0]}")


def _sent_twice(msg: str, where: ws.Place, text: str, facts: Facts) -> Finding | None:
    """An if block that answers the request and does not return, with another answer after the block."""
    if "after they are sent to the client" not in msg and msg != "write after end":
        return None
    lines = text.splitlines()
    for n, line in enumerate(lines, 1):
        opened = re.match(r"(?P<indent>\s*)(?:if|else if)\b.*\{\s*$", line)
        if opened is None:
            continue
        indent = len(opened["indent"])
        end = next((k for k in range(n + 1, len(lines) + 1) if _closes(lines[k - 1], indent)), None)
        if end is None:
            continue
        body = lines[n : end - 1]
        answers = [n + i for i, s in enumerate(body, 1) if RESPONSE.search(s)]
        after = next((k for k in range(end + 1, len(lines) + 1) if RESPONSE.search(lines[k - 1])), None)
        closes_function = any(_closes(lines[k - 1], indent - 2) for k in range(end + 1, (after or end) + 1))
        if answers and after and not closes_function and not any(re.search(r"\breturn\b", s) for s in body):
            if re.match(r"\s*}\s*else\b", lines[end - 1]):
                continue
            return Finding(
                f"The if block on line {n} answers the request (line {answers[-1]}) but does not return, so the code "
                f"after the block answers it again (line {after}): a response can be sent once. Return after "
                f"answering (return {lines[answers[-1] - 1].strip().rstrip(';')};), or put the rest in an else.",
                ws.Place(where.path, answers[-1]),
                headline=headline("answered twice: return after the first", "the response is sent twice"),
            )
    return None


def _closes(line: str, indent: int) -> bool:
    return re.match(rf"\s{{{max(indent, 0)}}}\}}", line) is not None and len(line) - len(line.lstrip()) == indent


def _map_parse_int(msg: str, where: ws.Place, text: str, facts: Facts) -> Finding | None:
    if "NaN" not in facts.output:
        return None
    at = next((n for n, s in enumerate(text.splitlines(), 1) if re.search(r"\.map\(\s*parseInt\s*\)", s)), None)
    if at is None:
        return None
    return Finding(
        f"Line {at} maps with parseInt, and map passes each item's index as parseInt's second argument, the radix: "
        "the second item is read in base 1, which gives NaN. Use .map(Number), or .map(s => parseInt(s, 10)).",
        ws.Place(where.path, at),
        headline=headline("map(parseInt) reads the index as the radix"),
    )


def _not_on_path(facts: Facts) -> Finding | None:
    m = SPAWN_ENOENT.search(facts.output)
    if m is None or shutil.which(m["cmd"]) is not None:
        return None
    return Finding(
        f"spawn could not start '{m['cmd']}': {m['cmd']} is not installed here (nothing on PATH is called "
        f"{m['cmd']}). Install the {m['cmd']} package with the system's package manager, or put the folder that "
        "holds it on PATH.",
        headline=headline(f"{m['cmd']} is not installed"),
    )


@functools.lru_cache(maxsize=1)
def core_exports() -> dict[str, tuple[str, ...]]:
    """The functions of Node's core modules, asked of this machine's Node once (no user code runs)."""
    node = shutil.which("node")
    script = (
        f"const o = {{}}; for (const m of {json.dumps(list(CORE))}) o[m] = Object.keys(require(m)); "
        "console.log(JSON.stringify(o))"
    )
    try:
        done = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=10) if node else None
        data = json.loads(done.stdout) if done is not None and done.returncode == 0 else {}
    except (OSError, subprocess.SubprocessError, ValueError):
        data = {}
    return {k: tuple(v) for k, v in data.items() if isinstance(v, list)}


def _read(where: ws.Place | None) -> str | None:
    try:
        return where.path.read_text() if where is not None else None
    except OSError:
        return None
