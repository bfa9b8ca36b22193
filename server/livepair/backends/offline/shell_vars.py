"""`X: unbound variable` under set -u: an array given words as keys without `declare -A` is an indexed array to
bash, whose subscripts are arithmetic, so a key is read as a variable (first-seen, the catalogue's "export it first"
was wrong there). Anything else keeps the catalogue's advice: an honest hint where the script sets X elsewhere lost
a diagnosis that was right on a frozen case, so that distinction is not made.
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
    return case.finding  # the catalogue's "export it first": held on every frozen case it met, set or not


def _declared_associative(text: str, arr: str) -> bool:
    return re.search(rf"(?:declare|typeset|local)\s+-\w*A\w*\s+(?:\w+\s+)*{re.escape(arr)}\b", text) is not None
