"""`X: unbound variable` under set -u: the catalogue's "export it first" only where the script shows that X can
come from nowhere else (first-seen, that template was wrong for an array's key).

An array given words as keys without `declare -A` is an indexed array to bash: its subscripts are arithmetic, so a
key is read as a variable. A variable the script sets itself, somewhere, was not set on the way to this line:
where it should have been, the script does not say (an honest hint).
"""

from __future__ import annotations

import re

from livepair.backends.offline import honest
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Case, Finding, headline

ARRAY_SET = re.compile(r"""^\s*(?:local\s+)?(?P<arr>\w+)=\(\s*\[\s*["']?(?P<key>\w+)""")
ELEMENT_SET = re.compile(r"""^\s*(?P<arr>\w+)\[\s*["']?(?P<key>\w+)["']?\s*\]=""")


def unbound_variable(case: Case) -> Finding:
    var = case.field("var")
    text = case.text
    if case.place is None or text is None:
        return honest.hint(case.finding.message.split(":")[0], case.place, "where the script expected it to be set")
    lines = text.splitlines()
    for n, line in enumerate(lines, 1):
        m = ARRAY_SET.match(line) or ELEMENT_SET.match(line)
        if m is None or m["key"] != var or _declared_associative(text, m["arr"]):
            continue
        arr = m["arr"]
        return Finding(
            f"'{arr}' (line {n}) is given words as keys, but it was never declared with declare -A, so bash makes "
            f"it an indexed array, whose subscripts are arithmetic: the key {var} is read as a variable, which "
            f"is not set (set -u stops there). Declare it as an associative array first: declare -A {arr}.",
            ws.Place(case.place.path, n),
            headline=headline(f"'{arr}' needs declare -A for word keys", "the array needs declare -A"),
        )
    setters = [n for n, line in enumerate(lines, 1) if _sets(line, var)]
    if not setters:
        return case.finding  # nothing in the script sets it: it can only come from the environment
    return honest.hint(
        f"${var} is not set when line {case.place.line} reads it, and the script runs with set -u; lines "
        f"{', '.join(map(str, setters))} set it, but not on the way here",
        case.place,
        "which branch, function or subshell was meant to set it first",
    )


def _declared_associative(text: str, arr: str) -> bool:
    return re.search(rf"(?:declare|typeset|local)\s+-\w*A\w*\s+(?:\w+\s+)*{re.escape(arr)}\b", text) is not None


def _sets(line: str, var: str) -> bool:
    """`line` assigns `var` (quoted text and comments do not: echo "export TOKEN=..." only talks about it)."""
    v = re.escape(var)
    line = re.sub(r"\s#.*$|^\s*#.*$", "", re.sub(r"'[^']*'|\"[^\"]*\"", "''", line))
    return bool(
        re.search(rf"(?:^|[\s;&(]){v}\+?=|\bread\b[^;|&]*\b{v}\b|\bfor\s+{v}\s+in\b|\bgetopts\s+\S+\s+{v}\b", line)
        or re.search(rf"\b(?:declare|typeset|local|export|readonly)\s+(?:-\w+\s+)*{v}\b|\$\{{{v}:?=", line)
    )
