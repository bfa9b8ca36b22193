"""Shell script mistakes the script's own lines show, though the error names something else: a decimal in an
integer test, a glob that gave [ several words, a shell builtin run by xargs, a Makefile `cd` on its own recipe line,
$@ passed unquoted, and a getopts option read with $OPTARG but declared without its colon.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding, headline
from livepair.backends.offline.probation import on_probation

SHELLS = {"bash", "sh", "zsh", "dash"}
BUILTINS = {"cd", "source", "export", "alias", "set", "unset", "pushd", "popd", "ulimit", "umask"}
AT = r"^(?P<file>[^:\s]+): line (?P<line>\d+): \[: "  # bash's "script: line N: [: ..." prefix
INTEGER = re.compile(AT + r"(?P<value>[^:]+): integer expression expected$", re.M)
# the operand of an integer comparison in [ ]: $x -op ..., or ... -op $x
INTEGER_TEST = re.compile(
    r"""["']?\$\{?(?P<left>\w+)\}?["']?\s+(?P<op>-(?:eq|ne|lt|le|gt|ge))\b"""
    r"""|(?P<op2>-(?:eq|ne|lt|le|gt|ge))\s+["']?\$\{?(?P<right>\w+)"""
)
BINARY = re.compile(AT + r"(?P<word>[^:]+): binary operator expected$", re.M)
RUNNER = re.compile(r"^(?P<runner>xargs|nohup|sudo|env|time): (?P<cmd>\w+): No such file or directory$", re.M)
MAKE_LINE = re.compile(r"make(?:\[\d+\])?: \*\*\* \[(?P<file>[^:\]]+):(?P<line>\d+): [^\]]*\] Error (?:127|1|2)")


def advise(command: str, facts: Facts) -> Finding | None:
    for detect in (_decimal_in_test, _glob_in_test, _builtin_by_runner, _make_cd_line, _unquoted_args, _getopts):
        found = detect(command, facts)
        if found is not None:
            return found
    return None


def _script(command: str, facts: Facts) -> Path | None:
    """The script a command line runs: `bash x.sh ...` or `./x` / `bin/x ...` (a file of the workspace)."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if words and Path(words[0]).name in SHELLS:
        words = [w for w in words[1:] if not w.startswith("-")]
    path = (facts.cwd / words[0]).resolve() if words else None
    root = facts.root.resolve()
    inside = path is not None and root in path.parents  # the workspace's own script, never a program it runs
    return path if inside and path is not None and path.is_file() and path.suffix not in (".py", ".js") else None


def _lines(facts: Facts, path: Path) -> list[str]:
    return (facts.read(path) or "").splitlines()


def _setter(lines: list[str], var: str, before: int) -> int | None:
    hits = [n for n, s in enumerate(lines[: before - 1], 1) if re.match(rf"\s*(?:local\s+|export\s+)?{var}=", s)]
    return hits[-1] if hits else None


# right on 0 of the 1 unseen cases it spoke on (probation.py)
@on_probation("which value was meant to be whole, and where it is read")
def _decimal_in_test(command: str, facts: Facts) -> Finding | None:
    m = INTEGER.search(facts.output)
    path = (facts.cwd / m["file"]).resolve() if m else None
    if m is None or path is None or not path.is_file() or not re.fullmatch(r"-?\d+\.\d+", m["value"].strip()):
        return None
    lines, n = _lines(facts, path), int(m["line"])
    test = INTEGER_TEST.search(lines[n - 1]) if 0 < n <= len(lines) else None
    var = (test["left"] or test["right"]) if test else None  # the operand of the integer comparison, not any $x
    op = (test["op"] or test["op2"]) if test else "-le"
    at = _setter(lines, var, n) if var else None
    value = m["value"].strip()
    return Finding(
        f"{value} has a decimal point, and [ ... {op} ... ] (line {n}) compares whole numbers only. Drop the "
        f"fraction where the value is read (${{{var or 'x'}%.*}}), or compare decimals with awk or bc.",
        ws.Place(path, at or n),
        headline=headline(f"{value} is a decimal; [ {op} ] takes integers"),
    )


def _glob_in_test(command: str, facts: Facts) -> Finding | None:
    m = BINARY.search(facts.output)
    path = (facts.cwd / m["file"]).resolve() if m else None
    if m is None or path is None or not path.is_file():
        return None
    lines, n = _lines(facts, path), int(m["line"])
    code = lines[n - 1] if 0 < n <= len(lines) else ""
    if not re.search(r"\[\s+-\w\s+[^\]]*\*", code):
        return None
    return Finding(
        f"The glob in the test on line {n} matched more than one file, so [ got several words where it takes one "
        "(hence 'binary operator expected'). Loop over the matches (for f in ...; do [ -s \"$f\" ] ...), or check "
        "how many there are first.",
        ws.Place(path, n),
        headline=headline("the glob matched several files"),
    )


def _builtin_by_runner(command: str, facts: Facts) -> Finding | None:
    m = RUNNER.search(facts.output)
    script = _script(command, facts)
    if m is None or m["cmd"] not in BUILTINS or script is None:
        return None
    lines = _lines(facts, script)
    at = next((n for n, s in enumerate(lines, 1) if re.search(rf"\b{m['runner']}\s+(?:-\S+\s+)*{m['cmd']}\b", s)), None)
    if at is None:
        return None
    return Finding(
        f"{m['cmd']} is a shell builtin, not a program, so {m['runner']} (line {at}) cannot run it: it looks for a "
        f'file called {m["cmd"]}. Run it in the script\'s own shell, e.g. {m["cmd"]} "$(...)".',
        ws.Place(script, at),
        headline=headline(f"{m['cmd']} is a builtin: {m['runner']} cannot run it"),
    )


def _make_cd_line(command: str, facts: Facts) -> Finding | None:
    m = MAKE_LINE.search(facts.output)
    path = (facts.cwd / m["file"]).resolve() if m else None
    if m is None or path is None or not path.is_file():
        return None
    lines, n = _lines(facts, path), int(m["line"])
    before = n - 1
    if not (0 < before < len(lines) and re.match(r"\t@?cd\s+\S+\s*$", lines[before - 1])):
        return None
    folder = lines[before - 1].split(None, 1)[1].strip()
    return Finding(
        f"Each recipe line runs in its own shell, so the cd on line {before} is gone by line {n}. Put them on one "
        f"line: cd {folder} && {lines[n - 1].strip()} (or use make -C {folder}).",
        ws.Place(path, before),
        headline=headline("each recipe line has its own shell: cd ... &&"),
    )


def _unquoted_args(command: str, facts: Facts) -> Finding | None:
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    script = _script(command, facts)
    spaced = any(" " in w for w in words[1:])
    if script is None or not spaced or not re.search(r"unrecognized arguments|No such file|too many", facts.output):
        return None
    lines = _lines(facts, script)
    at = next((n for n, s in enumerate(lines, 1) if re.search(r'(?<!")\$[@*](?!")', s.split("#")[0])), None)
    if at is None:
        return None
    return Finding(
        f"Line {at} passes $@ without quotes, so an argument with a space is split into several words. Quote it: "
        '"$@" passes each argument whole.',
        ws.Place(script, at),
        headline=headline('$@ unquoted splits arguments: "$@"'),
    )


def _getopts(command: str, facts: Facts) -> Finding | None:
    """An option whose branch reads $OPTARG, declared in getopts' string without the colon that gives it one."""
    script = _script(command, facts)
    lines = _lines(facts, script) if script is not None else []
    at = next((n for n, s in enumerate(lines, 1) if re.search(r"\bgetopts\s+['\"]?:?\w", s)), None)
    if script is None or at is None:
        return None
    spec = re.search(r"\bgetopts\s+['\"]?(?P<spec>:?[\w:]+)", lines[at - 1])
    declared = spec["spec"] if spec else ""
    for s in lines[at:]:
        branch = re.match(r"\s*(?P<opt>\w)\)\s.*\$\{?OPTARG\b", s)
        opt = branch["opt"] if branch else ""
        used = re.search(rf"(?:^|\s)-\w*{opt}\b", command) if opt else None  # this run gave that option
        if used and opt in declared and f"{opt}:" not in declared:
            return Finding(
                f"The -{opt} branch reads $OPTARG, but getopts' option string on line {at} ('{declared}') has no "
                f"colon after {opt}, so -{opt} takes no value and $OPTARG is empty. Write {opt}: in the string.",
                ws.Place(script, at),
                headline=headline(f"getopts needs '{opt}:' for -{opt}'s value"),
            )
    return None
