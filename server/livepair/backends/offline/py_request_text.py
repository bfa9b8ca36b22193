"""A request that carries a newline read from a file: a key or token read with .read() keeps the file's last line
end, which the server then rejects (401/400, "API key not valid") or the HTTP library refuses in a header.

The evidence is in the output (a value ending in %0A in the request's URL, or a header value with a line end)
and in the code (the value read with .read()/.readline() and never stripped).
"""

from __future__ import annotations

import ast
import re

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.py_crash import parsed_frame, proposed, replace_line

IN_URL = re.compile(r"https?://\S*?[?&](?P<param>\w+)=[^&\s]*?(?P<end>(?:%0[AD])+)(?=[&\s]|$)", re.I)
IN_HEADER = re.compile(r"return character\(s\) in header value|Invalid header value")
READS = re.compile(r"\.(?:read|readline)\(\)(?!\s*\.\s*(?:strip|rstrip)\()")


def advise(facts: Facts) -> Finding | None:
    url, header = IN_URL.search(facts.output), IN_HEADER.search(facts.output)
    parsed = parsed_frame(facts) if url is not None or header is not None else None
    if parsed is None:  # (requests' InvalidHeader is not named ...Error: the crash frame is what counts here)
        return None
    place, text, tree = parsed
    where = (
        f"the request's URL ends its {url['param']} value with a newline ({url['end']})"
        if url
        else "a header value of the request has whitespace or a line end in it"
    )
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign) or not isinstance(node.targets[0], ast.Name):
            continue
        source = ast.get_source_segment(text, node.value) or ""
        name = node.targets[0].id
        if not READS.search(source) or not _used_after(tree, name, node.lineno):
            continue
        code = text.splitlines()[node.lineno - 1]
        fixed = READS.sub(lambda m: f"{m.group(0)}.strip()", code, count=1)
        message = (
            f"{where[0].upper()}{where[1:]}: {name} is read on line {node.lineno} with .{source.split('.')[-1]}, which "
            f"keeps the file's trailing newline (whitespace) in it. Strip it where it is read: .strip()."
        )
        at = ws.Place(place.path, node.lineno)
        return proposed(message, at, text, replace_line(text, node.lineno, fixed), "strip the newline")
    return None


def _used_after(tree: ast.Module, name: str, line: int) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name and n.lineno > line for n in ast.walk(tree))
