"""Failures of programs a script runs (git, mkdir, make, sudo) that print no script line: the cause from the
program's own words and the state it reports on, placed on the script line that ran it.

git: a new branch pushed without an upstream, no identity to commit with, describe with no tags, a branch a
single-branch clone never fetched, a pull whose two sides both moved. mkdir of a nested folder without -p; a Makefile
recipe indented with spaces; sudo where the shell is root already and sudo is absent.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Callable, Iterator
from pathlib import Path

from livepair.backends.offline import honest
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding, headline

SEPARATOR = re.compile(r"^(?P<file>[\w./-]*Makefile|[\w./-]+\.mk):(?P<line>\d+): \*\*\* missing separator", re.M)
MKDIR = re.compile(r"^mkdir: cannot create directory ['‘](?P<path>[^'’]+)['’]: No such file or directory$", re.M)
SUDO = re.compile(r"^(?P<file>[^:\s]+): line (?P<line>\d+): sudo: command not found$", re.M)
# The line of a failed run's output that says what failed, when nothing else recognised it (not git's "hint:" lines)
FAILED = re.compile(
    r"^(?!hint:)(?:(?P<prog>[\w./-]+): |\[)?(?:(?:line \d+: )?)(?:fatal|error|Error|ERROR)\b.+$"
    r"|^FAILED [\w./-]+::\S+ - .+$"  # pytest's summary of a failed test
    r"|^(?P<prog2>[\w./-]+): (?:line \d+: )?.*(?:No such file or directory|Permission denied|not found|cannot \w.*"
    r"|failed.*|unexpected .+|expected$|too many arguments)$"
    r"|^make(?:\[\d+\])?: \*\*\* .+$"
    r"|^(?:[\w.]+\.)?\w+(?:Error|Exception): .+$"  # a Python exception the catalogue does not know
    r"|^[\w./-]+: \d+: .+$"  # dash: "script: 4: cd: can't cd to x"
    r"|^[\w./-]+: line \d+: .+$"  # bash: "script: line 5: export: `a-b=1': not a valid identifier"
    r"|^(?P<prog3>[\w.-]+): (?:stdin: )?(?:missing (?:file )?operand|extra operand|invalid option|unrecognized option"
    r"|not in \w+ format|unexpected end of file)\b.*$",
    re.M,
)
SCRIPT_LINE = re.compile(r"^(?P<script>[\w./-]+): (?:line )?(?P<line>\d+): ")
NOISE = re.compile(r"A complete log of this run|npm (?:notice|warn)|\bsudo\b|chmod|git init|^npm error\s*$")


def advise(command: str, facts: Facts) -> Finding | None:
    out = facts.output
    if m := SEPARATOR.search(out):
        return _spaces_in_recipe(m, facts)
    if m := MKDIR.search(out):
        return _mkdir_parents(m["path"], command, facts)
    if m := SUDO.search(out):
        return _sudo_as_root(m, facts)
    if "has no upstream branch" in out:
        return _git(command, facts, "push", _no_upstream)
    if re.search(r"Author identity unknown|Please tell me who you are|unable to auto-detect email", out):
        return Finding(
            "git does not know who you are on this machine (user.name and user.email are not set: a fresh machine, "
            "container or CI runner), so it cannot record the commit. Set them once: git config --global "
            'user.name "Your Name" and git config --global user.email you@example.com.',
            headline=headline("git identity is not set: git config user.email"),
        )
    if "No names found, cannot describe anything" in out:
        return _git(command, facts, "describe", lambda line: (
            "git describe names the newest tag, and this repository has no tags yet. Create one (git tag v0.1.0), "
            "or let it fall back to the commit: git describe --tags --always."
        ))  # fmt: skip
    if m := re.search(r"pathspec '(?P<name>[^']+)' did not match any file\(s\) known to git", out):
        return _single_branch(m["name"], command, facts)
    if "Need to specify how to reconcile divergent branches" in out:
        return _git(command, facts, "pull", lambda line: (
            "Both sides moved: this clone has its own commit(s) and the remote has new ones, and git will not "
            "guess how to combine them. Choose: git pull --rebase (put your commit on top) or git pull --no-rebase "
            "(a merge); git config pull.rebase true makes the choice once."
        ))  # fmt: skip
    return None


def _steps(command: str, facts: Facts) -> Iterator[tuple[Path, list[str]]]:
    """Each step of a command line (split at && || ;) with the folder it runs in, following the line's cd's."""
    here = facts.cwd
    for part in re.split(r"&&|\|\||;", command):
        try:
            words = shlex.split(part)
        except ValueError:
            return
        if words[:1] == ["cd"] and len(words) == 2:
            here = (here / words[1]).resolve()
        elif words:
            yield here, words


def scripts(command: str, facts: Facts) -> list[Path]:
    """The workspace's scripts a command line runs or names (bash x.sh, ./x, cp x.sh ...), following its cd's."""
    root = facts.root.resolve()
    found = [(here / word).resolve() for here, words in _steps(command, facts) for word in words]
    mine = [p for p in found if root in p.parents and p.is_file() and p.suffix not in (".py", ".js", ".json", ".txt")]
    return list(dict.fromkeys(mine))


def script_run_here(command: str, facts: Facts) -> Path | None:
    """The project's own script, run from its folder (`cd x && bash build.sh`, `./build.sh`): not a tool from
    elsewhere run by its path."""
    for here, words in _steps(command, facts):
        if words[0] in ("bash", "sh") and len(words) > 1 and "/" not in words[1]:
            return (here / words[1]) if (here / words[1]).is_file() else None
        if re.fullmatch(r"\./[\w.-]+", words[0]):
            return (here / words[0]).resolve() if (here / words[0]).is_file() else None
    return None


def _line_running(command: str, facts: Facts, pattern: str) -> ws.Place | None:
    """The one script line that runs `pattern` (a copy of a script the command made counts as the original)."""
    hits: dict[tuple[str, int], ws.Place] = {}
    for path in scripts(command, facts):
        text = facts.read(path) or ""
        for n, line in enumerate(text.splitlines(), 1):
            if re.search(pattern, line.split("#")[0]):
                hits.setdefault((text, n), ws.Place(path, n))
    return next(iter(hits.values())) if len(hits) == 1 else None


def _git(command: str, facts: Facts, sub: str, say: Callable[[ws.Place | None], str]) -> Finding | None:
    place = _line_running(command, facts, rf"\bgit\s+(?:-\S+\s+)*{sub}\b")
    in_command = re.search(rf"\bgit\s+(?:-\S+\s+)*{sub}\b", command)
    if place is None and in_command is None:
        return None
    return Finding(say(place), place, headline=headline(f"git {sub}: see why"))


def _no_upstream(place: ws.Place | None) -> str:
    return (
        "This branch is new here (created in this clone) and was never pushed, so it has no upstream branch on "
        "the remote for a plain git push. Push it once with its name: git push -u origin HEAD (or set "
        "push.autoSetupRemote true)."
    )


def _single_branch(name: str, command: str, facts: Facts) -> Finding | None:
    """A branch that exists on the remote, in a clone that fetches one branch only (--single-branch or --depth)."""
    configs = [c for depth in ("", "*/", "*/*/") for c in facts.root.glob(f"{depth}.git/config")]
    single = [
        cfg.parent.parent
        for cfg in configs
        if re.search(r"fetch = \+refs/heads/(?!\*)[^:\s]+:", cfg.read_text(errors="replace"))
    ][:1]
    place = _line_running(command, facts, rf"\bgit\s+(?:checkout|switch)\s+(?:-\S+\s+)*{re.escape(name)}\b")
    if not single:
        return None
    return Finding(
        f"This clone fetched one branch only (it was made with --single-branch or --depth), so '{name}' was never "
        f"fetched, though the remote has it. Fetch it first: git remote set-branches --add origin {name} && git "
        f"fetch origin {name}, then check it out.",
        place,
        headline=headline(f"'{name}' was never fetched: a single-branch clone"),
    )


def _spaces_in_recipe(m: re.Match[str], facts: Facts) -> Finding | None:
    path = (facts.cwd / m["file"]).resolve()
    lines = (facts.read(path) or "").splitlines() if path.is_file() else []
    n = int(m["line"])
    if not 0 < n <= len(lines) or not lines[n - 1].startswith(" "):
        return None
    return Finding(
        f"Line {n} of {path.name} is indented with spaces, and make wants each recipe line to begin with a tab "
        "character. Indent it with a tab (set the editor to keep tabs in Makefiles).",
        ws.Place(path, n),
        headline=headline("a recipe line must start with a tab"),
    )


def _mkdir_parents(target: str, command: str, facts: Facts) -> Finding | None:
    parent = Path(target.rstrip("/")).parent
    if (facts.cwd / parent).is_dir():
        return None  # the parent is there: something else is wrong
    last = Path(target.rstrip("/")).name
    place = _line_running(command, facts, rf"\bmkdir\s+(?!.*\s-\w*p)(?!-\w*p).*{re.escape(last)}/?(?:\s|$)")
    return Finding(
        f"mkdir makes one folder, and the folder above it, {parent}/, does not exist yet. Use mkdir -p, which makes "
        "the missing parents too.",
        place,
        headline=headline(f"{parent}/ does not exist: mkdir -p"),
    )


def _sudo_as_root(m: re.Match[str], facts: Facts) -> Finding | None:
    path = (facts.cwd / m["file"]).resolve()
    if os.geteuid() != 0 or not path.is_file():
        return None
    return Finding(
        "This shell runs as root already (id -u is 0, as in a container), and this system has no sudo. Drop sudo "
        'from this line, or use it only when needed: [ "$(id -u)" -eq 0 ] || SUDO=sudo, then $SUDO mv ...',
        ws.Place(path, int(m["line"])),
        headline=headline("already root, and there is no sudo"),
    )


def failed_step(command: str, facts: Facts) -> Finding | None:
    """An honest hint for a failure nothing recognised: the line that says what failed, on the script line that
    ran that program when there is exactly one (so the user is never left with silence)."""
    lines = [m for m in FAILED.finditer(facts.output) if not NOISE.search(m[0])]
    if not lines:
        return _uncaught(facts)
    last = lines[-1]
    program = last["prog"] or last["prog2"] or last["prog3"]
    place = _said_line(last[0], facts)  # the shell named the script's line itself
    if place is None and program:
        place = _line_running(command, facts, rf"(?:^|[\s|;&(]){re.escape(program)}\b")
    said = last[0].strip()[:200]
    return honest.hint(
        f"The run failed: {said}",
        place,
        "why: the output names the step that failed, not what made it fail",
    )


def _said_line(said: str, facts: Facts) -> ws.Place | None:
    m = SCRIPT_LINE.match(said)
    script = (facts.cwd / m["script"]).resolve() if m else None
    if m is None or script is None or not script.is_file() or facts.root.resolve() not in script.parents:
        return None
    return ws.Place(script, int(m["line"]))


def _uncaught(facts: Facts) -> Finding | None:
    """A Python exception whose class is not named ...Error (http.client.InvalidURL, a library's own): the
    traceback's last line, on the deepest frame in the workspace."""
    tail = facts.output.rpartition("Traceback (most recent call last):")[2]
    said = re.findall(r"^(?:[\w.]+\.)?[A-Z]\w*(?:: .+)?$", tail, re.M)
    frames = [m for m in ws.FRAME.finditer(tail) if (facts.cwd / m["file"]).resolve().is_file()]
    inside = [m for m in frames if facts.root.resolve() in (facts.cwd / m["file"]).resolve().parents]
    if not tail or not said or not inside:
        return None
    at = ws.Place((facts.cwd / inside[-1]["file"]).resolve(), int(inside[-1]["line"]))
    return honest.hint(f"Python stopped with {said[-1][:200]}", at, "what made the value wrong")
