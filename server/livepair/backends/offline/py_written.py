"""Python failures whose cause is a string the code writes out, placed on the line that writes it: a URL the server
answers 404 for (the one URL literal of the file), and a part given to os.path.join that starts with / (which
drops everything joined before it)."""

from __future__ import annotations

import re

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.probation import on_probation
from livepair.backends.offline.py_crash import crash, first_finding, frames, proposed, replace_line

NOT_FOUND_404 = re.compile(r"HTTP Error 404|404 Client Error|404 Not Found|status(?:_code)?[=: ]+404\b")
URL = re.compile(r"""(?P<q>["'])(?P<url>https?://[^"'\s]*)(?P=q)""")
NO_FILE = re.compile(r"No such file or directory: '(?P<path>/[^']*)'")


# right on 1 of the 2 unseen cases it spoke on (probation.py)
@on_probation("whether the address or the code that built it is wrong")
def url_of_404(facts: Facts) -> Finding | None:
    c = crash(facts)
    if c is None or not NOT_FOUND_404.search(c.detail + "\n" + facts.output[-600:]):
        return None
    written: list[tuple[ws.Place, re.Match[str]]] = []
    for path in dict.fromkeys(p.path for p in frames(facts)):
        for n, line in enumerate((facts.read(path) or "").splitlines(), 1):
            if (m := URL.search(line)) is not None:
                written.append((ws.Place(path, n), m))
    if len(written) != 1:
        return None  # no URL written out, or several: which one was asked for the code does not say alone
    at, m = written[0]
    return Finding(
        f"404 Not Found: the server is there but has no page at the URL this code builds from {m['url']} "
        f"(line {at.line}): check the path against the service's documentation (an endpoint that moved, a "
        "version in the path, a misspelt route).",
        at,
    )


def absolute_join_part(facts: Facts) -> Finding | None:
    c = crash(facts)
    m = NO_FILE.search(c.detail) if c is not None else None
    if c is None or m is None:
        return None
    lines = c.text.splitlines()
    for n, line in enumerate(lines, 1):
        part = re.search(r"""os\.path\.join\([^)]*,\s*(?P<q>["'])(?P<p>/[^"']*)(?P=q)""", line)
        if part is None or not m["path"].startswith(part["p"].rstrip("/")):
            continue
        fixed = line.replace(f"{part['q']}{part['p']}{part['q']}", f"{part['q']}{part['p'].lstrip('/')}{part['q']}", 1)
        message = (
            f"'{part['p']}' on line {n} starts with /, an absolute path, and os.path.join drops every part before "
            f"an absolute one, so the result is {m['path']}, not a path under the folder joined first. Remove the "
            f"leading slash: '{part['p'].lstrip('/')}'."
        )
        return proposed(message, ws.Place(c.place.path, n), c.text, replace_line(c.text, n, fixed), "no leading /")
    return None


def advise(facts: Facts) -> Finding | None:
    return first_finding([url_of_404, absolute_join_part], facts)
