"""A fix re-run before it is offered as the preferred fix: what to re-run, and the port that does it.

The advisor gives its hint at once; when the failed command is a program it can re-run (`python script.py ...`,
`python -m module ...`, a shell script, `bash script.sh ...` / `sh script.sh ...`, or `node script.js ...`), the
patched file is run
again by a `RerunPort` handed in from above (the session's sandbox: no network, writes only to a scratch copy),
and the fix is proposed only when that run gets past its error. The backend knows only this port, never the
sandbox (backends do not import the session).
"""

from __future__ import annotations

import logging
import re
import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path

from livepair.advice.verify import patch_lines
from livepair.backends.offline.edits import Fix
from livepair.backends.offline.enrich import Finding
from livepair.backends.offline.py_crash import error

log = logging.getLogger(__name__)

PYTHON = re.compile(r"python(?:3(?:\.\d+)?)?")
SHELLS = {"bash", "sh"}
NODE_SCRIPT = re.compile(r"[^-].*\.[mc]?js")
# Node's uncaught error, the first one it prints ("TypeError: ...", "Error [ERR_REQUIRE_ESM]: ...")
NODE_ERROR = re.compile(r"^(?:Uncaught )?(?P<what>(?:[A-Z]\w*)?Error(?: \[\w+\])?: .+)$", re.M)
SHELL_ERROR = re.compile(r"^\S+: (?:line )?\d+: (?P<what>.+)$", re.M)  # bash: "x.sh: line 3: ..."; dash: "x.sh: 3: ..."
FLAGS = {"-u", "-B", "-E", "-s", "-S", "-I", "-O", "-OO", "-q"}  # interpreter flags that take no value


@dataclass(frozen=True)
class Rerun:
    """The failed program with one file patched: run it again, as it was run, in a scratch copy of `root`."""

    root: Path  # the workspace (copied; the copy is what runs and what may be written)
    cwd: Path  # where the command ran (inside root)
    argv: tuple[str, ...]  # what follows the interpreter: script.py args, or -m module args
    path: Path  # the patched file (inside root)
    patched: str  # its text with the fix applied
    error: str  # the error it failed with ("Kind: detail", or the shell's words), which the re-run must get past
    program: str = "python"  # what runs argv: the project's Python, a shell ("bash", "sh") or "node"
    stdin: str | None = None  # what `echo words | ...` gave it; None: nothing (stdin closed)


RerunPort = Callable[[Rerun], Awaitable[bool | None]]  # True: past the error; False: not; None: could not re-run


def python_argv(command: str) -> tuple[str, ...] | None:
    """What follows the interpreter in `python [flags] script.py args` or `python -m module args`; None for any
    other command (a shell line, a pipeline, another program: those are not re-run)."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if not words or not PYTHON.fullmatch(Path(words[0]).name):
        return None
    rest = words[1:]
    while rest and rest[0] in FLAGS:
        rest = rest[1:]
    if not rest or any(re.search(r"[;&|<>`$]", w) for w in rest):
        return None
    if rest[0] == "-m":
        return tuple(rest) if len(rest) > 1 else None
    return tuple(rest) if rest[0].endswith(".py") and not rest[0].startswith("-") else None


def shell_argv(command: str) -> tuple[str, ...] | None:
    """The shell and what follows it in `bash script.sh args` or `sh script.sh args`; None for anything else."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if len(words) < 2 or words[0] not in SHELLS or not words[1].endswith(".sh") or words[1].startswith("-"):
        return None
    return None if any(re.search(r"[;&|<>`$]", w) for w in words[1:]) else tuple(words)


def node_argv(command: str) -> tuple[str, ...] | None:
    """`node script.js args`: node and what follows it; None for anything else (flags, npm, a pipeline)."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if len(words) < 2 or words[0] != "node" or not NODE_SCRIPT.fullmatch(words[1]):
        return None
    return None if any(re.search(r"[;&|<>`$]", w) for w in words[1:]) else tuple(words)


def failure(program: str, output: str) -> str | None:
    """The error a run failed with, as the re-run compares it: Python's last "Kind: detail", Node's uncaught
    error, or a shell's words."""
    if program == "node":
        thrown = NODE_ERROR.search(output)
        return thrown["what"] if thrown else None
    if program != "python":
        said = SHELL_ERROR.findall(output)
        return said[-1] if said else None
    failed = error(output)
    return f"{failed[0]}: {failed[1]}".rstrip(": ") if failed else None


def piped_input(command: str) -> tuple[str | None, str]:
    """`echo words | rest`: the words (what the program read) and the rest; (None, command) for any other line."""
    left, bar, rest = command.partition("|")
    try:
        words = shlex.split(left)
    except ValueError:
        return None, command
    plain = bar and "|" not in rest and words[:1] == ["echo"] and not re.search(r"[;&<>`$]", left)
    return (" ".join(words[1:]) + "\n", rest.strip()) if plain else (None, command)


def rerun_for(command: str, output: str, root: Path, cwd: Path, path: Path, patched: str) -> Rerun | None:
    """The re-run of a failed Python command or shell script with `path` patched, when it can be re-run at all."""
    stdin, command = piped_input(command)
    other = shell_argv(command) or node_argv(command)
    program, argv = (other[0], other[1:]) if other else ("python", python_argv(command))
    failed = failure(program, output)
    inside = root.resolve()
    if argv is None or failed is None or not (cwd.resolve() == inside or inside in cwd.resolve().parents):
        return None
    if inside not in path.resolve().parents:
        return None
    return Rerun(root, cwd, argv, path, patched, failed, program, stdin)


def rerunnable(command: str) -> bool:
    command = piped_input(command)[1]
    return any(argv(command) is not None for argv in (python_argv, shell_argv, node_argv))


def past_the_error(rerun: Rerun, exit_code: int | None, output: str) -> bool:
    """The re-run got past the error: it ended well, or it failed with another error (the next problem)."""
    if exit_code == 0:
        return True
    if exit_code is None:
        return False  # killed (a timeout, a memory cap): nothing shows it got past
    now = failure(rerun.program, output)
    return now is not None and now != rerun.error


def plan(
    command: str, output: str, root: Path, cwd: Path, found: Finding, read: Callable[[Path], str | None]
) -> Rerun | None:
    """The re-run of a finding's fix, when it has one and the command can be re-run."""
    fix, place = found.fix, found.place
    text = read(place.path) if fix is not None and place is not None else None
    if fix is None or place is None or text is None:
        return None
    patched = patch_lines(text, fix.start_line, fix.end_line, fix.new_text)
    return rerun_for(command, output, root, cwd, place.path, patched)


async def checked_by_rerun(port: RerunPort, rerun: Rerun, fix: Fix, proven: bool = False) -> Fix | None:
    """The fix to offer after its re-run: None when the program still fails the same way; the fix as checked
    statically when no re-run could be had (no sandbox here), unless it must be `proven` (a possible cause's trial:
    only a re-run shows it is the cause); marked as re-run when it got past the error."""
    try:
        past = await port(rerun)
    except Exception:
        log.exception("offline advisor: re-running the fix failed")
        past = None
    if past is False:
        log.info("offline advisor: the fix for %s did not get past %s; not offered", rerun.path.name, rerun.error)
        return None
    if past is None:
        return None if proven else fix
    return replace(fix, explanation=f"{fix.explanation} (re-run in a sandbox: it gets past the error)")
