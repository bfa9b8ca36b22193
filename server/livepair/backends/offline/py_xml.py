"""ElementTree's find() returned None because the code looks in an XML namespace the document does not declare
(a version in the URI changed, or another vendor's schema): the namespaces in the code and in the document, compared.
"""

from __future__ import annotations

import difflib
import itertools
import re

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.py_crash import crash, proposed, replace_line

IN_CODE = re.compile(r"\{(?P<uri>https?://[^}\s'\"]+)\}")
DECLARED = re.compile(r"""xmlns(?::\w+)?\s*=\s*["'](?P<uri>[^"']+)["']""")
FIND = re.compile(r"\.(?:find|findall|iterfind|findtext)\(")
MAX_FILES = 200


def advise(facts: Facts) -> Finding | None:
    c = crash(facts)
    if c is None or c.kind != "AttributeError" or not c.detail.startswith("'NoneType' object has no attribute"):
        return None
    if not FIND.search(c.code):
        return None
    files = itertools.islice(ws.workspace_files(facts.root, {".xml", ".py"}), MAX_FILES)
    declared = {m["uri"] for p in files for m in DECLARED.finditer(facts.read(p) or "")}
    if not declared:
        return None
    for n, line in enumerate(c.text.splitlines(), 1):
        for m in IN_CODE.finditer(line):
            uri = m["uri"]
            if uri in declared:
                continue
            doc = max(declared, key=lambda d: difflib.SequenceMatcher(None, d, uri).ratio())
            message = (
                f"The code looks up elements in the namespace {uri} (line {n}), but the XML declares {doc}: find() "
                f"matches no element of a namespace the document does not use, and gives None, which line "
                f"{c.place.line} then uses. Use the document's namespace, {{{doc}}}."
            )
            patched = replace_line(c.text, n, line.replace(uri, doc, 1))
            return proposed(message, ws.Place(c.place.path, n), c.text, patched, "the document's namespace")
    return None
