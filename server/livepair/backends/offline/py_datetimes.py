"""`can't compare offset-naive and offset-aware datetimes`: find the datetime made without a time zone among ones
made with one, and make it aware where it is made.

Speaks only when the code shows which one is naive: a naive maker on the crash line, or the only naive maker in
a file whose other datetimes are made aware. Otherwise the catalogue's words (at the crash line) stand.
"""

from __future__ import annotations

import ast
import re

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.py_crash import crash

MIXED = re.compile(r"can't (?:compare|subtract) offset-naive and offset-aware datetimes")
MAKERS = {"now", "today", "utcnow", "strptime", "fromtimestamp", "utcfromtimestamp", "datetime", "fromisoformat"}
AWARE_WORDS = re.compile(r"timezone|tzinfo|\btz\b|utc\b|ZoneInfo|pytz|tzutc|tzlocal", re.I)


def advise(facts: Facts) -> Finding | None:
    c = crash(facts)
    tree = c.tree if c is not None else None
    if c is None or tree is None or c.kind != "TypeError" or not MIXED.search(c.detail):
        return None
    naive: list[ast.Call] = []
    aware: list[ast.Call] = []
    for node in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        kind = _kind(node, c.text)
        if kind == "naive":
            naive.append(node)
        elif kind == "aware":
            aware.append(node)
    here = [n for n in naive if n.lineno <= c.place.line <= (n.end_lineno or n.lineno)]
    pick = here[0] if len(here) == 1 else naive[0] if len(naive) == 1 and aware else None
    if pick is None:
        return None
    source = ast.get_source_segment(c.text, pick) or ""
    return Finding(
        f"{source} on line {pick.lineno} makes a naive datetime (no time zone), and it meets an aware one (with a "
        f"time zone). Make it aware where it is made: {_aware(pick, source)}.",
        ws.Place(c.place.path, pick.lineno),
    )


def _kind(node: ast.Call, text: str) -> str | None:
    """'naive' or 'aware' for a call that makes a datetime and shows which; None otherwise."""
    if not isinstance(node.func, ast.Attribute | ast.Name):
        return None
    name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
    if name not in MAKERS or (name == "datetime" and len(node.args) < 3):
        return None
    source = ast.get_source_segment(text, node) or ""
    if name == "fromisoformat" or (name == "strptime" and "%z" in source):
        return None  # aware or not depends on the text
    if name in ("utcnow", "utcfromtimestamp"):
        return "naive"  # utc in the name, but no tzinfo on the value
    args = [*(node.args[1:] if name == "fromtimestamp" else node.args), *(k.value for k in node.keywords)]
    if name in ("now", "fromtimestamp", "datetime") and any(k.arg in ("tz", "tzinfo") for k in node.keywords):
        return "aware"
    if name in ("now", "fromtimestamp") and args:
        return "aware" if AWARE_WORDS.search(ast.get_source_segment(text, args[0]) or "") else None
    if name == "datetime" and len(node.args) >= 8:
        return "aware"
    return "naive"


def _aware(node: ast.Call, source: str) -> str:
    name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
    if name in ("now", "utcnow"):
        return "datetime.now(timezone.utc) (from datetime import timezone)"
    if name in ("fromtimestamp", "utcfromtimestamp"):
        return "datetime.fromtimestamp(ts, tz=timezone.utc)"
    return f"{source}.replace(tzinfo=timezone.utc) if it is in UTC (or its own zone with zoneinfo.ZoneInfo)"
