"""Config files whose format reads a value differently than it was written: a Windows path in a double-quoted TOML
string (where \\ starts an escape) and a {{ template }} left unquoted in YAML (where { starts a mapping). The error
names the file's line and column; the finding is placed there, with the quoting that keeps the value as written.
"""

from __future__ import annotations

import re

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.edits import line_of, replace_on_line
from livepair.backends.offline.enrich import Facts, Finding, headline
from livepair.backends.offline.py_crash import proposed

TOML_ESCAPE = re.compile(r"TOMLDecodeError: Unescaped '\\' in a string \(at line (?P<line>\d+), column (?P<col>\d+)\)")
YAML_UNHASHABLE = re.compile(r'while constructing a mapping\s*\n\s*in "(?P<file>[^"]+)", line (?P<line>\d+)'
                             r"[\s\S]{0,200}?found unhashable key")  # fmt: skip


def advise(facts: Facts) -> Finding | None:
    return _toml_backslash(facts) or _yaml_template(facts)


def _toml_backslash(facts: Facts) -> Finding | None:
    m = TOML_ESCAPE.search(facts.output)
    if m is None:
        return None
    line, col = int(m["line"]), int(m["col"])
    hits = [(p, facts.read(p) or "") for p in ws.workspace_files(facts.root, {".toml"})]
    hits = [(p, t) for p, t in hits if "\\" in (line_of(t, line) or "")[:col]]  # the column is past the backslash
    if len(hits) != 1:
        return None
    path, text = hits[0]
    value = re.search(r'=\s*"(?P<value>[^"\']*)"', line_of(text, line) or "")
    message = (
        f"{ws.relative_to(path, facts.root)} line {line} writes a Windows path in a double-quoted string, where TOML "
        "reads a backslash as the start of an escape. Put it in single quotes, a literal string that keeps every "
        "backslash as it is (or write it with forward slashes)."
    )
    patched = None
    if value is not None:
        patched = replace_on_line(text, line, re.escape(f'"{value["value"]}"'), lambda _m: f"'{value['value']}'", 1)
    return proposed(message, ws.Place(path, line), text, patched, "Single quotes: a TOML literal string",
                    headline("a Windows path in a TOML \"string\""))  # fmt: skip


def _yaml_template(facts: Facts) -> Finding | None:
    m = YAML_UNHASHABLE.search(facts.output)
    path = (facts.cwd / m["file"]).resolve() if m else None
    if m is None or path is None or not path.is_file():
        return None
    text = facts.read(path) or ""
    line = int(m["line"])
    at = line_of(text, line) or ""
    template = re.match(r"(?P<key>\s*[\w.-]+:\s*)(?P<value>\{\{.*\}\})\s*$", at)
    if template is None:
        return None
    message = (
        f"Line {line} of {path.name} starts a value with {{{{: YAML reads a value that starts with {{ as a mapping, "
        f'so the template {template["value"]} is not text. Quote it: "{template["value"]}".'
    )
    patched = replace_on_line(text, line, re.escape(template["value"]), lambda _m: f'"{template["value"]}"', 1)
    return proposed(message, ws.Place(path, line), text, patched, "Quote the template",
                    headline("an unquoted {{ }} in YAML"))  # fmt: skip
