"""Slips the code or its data shows, where the error's words point elsewhere: an argparse option read under another
name than the one it defines, a JSON file with a lone backslash (a Windows path), a header value holding a character
HTTP headers cannot carry (text copied from elsewhere), a number written before a parenthesis (a missing *), a
DictWriter given the input's header while the rows gain a column, a dataclass field without a default after an
inherited one with a default, __getattr__ reading an attribute that is never set (so it calls itself), a header
value written as a number, a message with ( ) given to pytest.raises(match=...) as a regex, and a package reading
its own version from metadata while it is not installed.
"""

from __future__ import annotations

import difflib
import re

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.edits import ensure_import, line_of, replace_on_line
from livepair.backends.offline.enrich import Facts, Finding, headline
from livepair.backends.offline.py_crash import crash, first_finding, frames, lines_in_workspace, proposed

OPTION = re.compile(r"\.add_argument\((?P<args>[^)]*)\)")
JSON_ESCAPE = re.compile(r"Invalid \\escape: line (?P<line>\d+) column (?P<col>\d+)")
NOT_LATIN1 = re.compile(r"'latin-1' codec can't encode character '(?P<char>\\u[0-9a-f]{4}|.)'")
NUMBER_CALL = re.compile(r"(?<![\w.])(?P<num>\d+(?:\.\d+)?)\s*\(")


def advise(facts: Facts) -> Finding | None:
    found = first_finding([_option_name, _json_backslash, _header_character, _number_called, _header_lacks_column,
                           _inherited_default, _getattr_recursion], facts)  # fmt: skip
    return found or _header_number(facts) or _match_not_escaped(facts) or _not_installed(facts)


def _dests(text: str) -> list[tuple[int, str, str]]:
    """(line, option as written, attribute it sets) for each add_argument of the file."""
    found = []
    for n, line in enumerate(text.splitlines(), 1):
        m = OPTION.search(line)
        if m is None:
            continue
        words = re.findall(r"['\"](-{1,2}[\w-]+)['\"]", m["args"])
        dest = re.search(r"dest\s*=\s*['\"](\w+)['\"]", m["args"])
        longs = [w for w in words if w.startswith("--")] or words
        if dest or longs:
            name = dest[1] if dest else longs[0].lstrip("-").replace("-", "_")
            found.append((n, longs[0] if longs else name, name))
    return found


def _option_name(facts: Facts) -> Finding | None:
    c = crash(facts)
    m = re.match(r"'Namespace' object has no attribute '(?P<name>\w+)'", c.detail) if c else None
    if c is None or m is None:
        return None
    options = _dests(c.text)
    close = difflib.get_close_matches(m["name"], [d for _n, _o, d in options], n=1, cutoff=0.6)
    if not close:
        return None
    n, option, dest = next(o for o in options if o[2] == close[0])
    message = (
        f"The parser has no option that sets '{m['name']}': line {n} defines {option}, which argparse stores as "
        f"args.{dest}, and line {c.place.line} reads args.{m['name']}. Use one name in both places."
    )
    patched = replace_on_line(c.text, c.place.line, rf"\.{m['name']}\b", f".{dest}", 1)
    return proposed(message, ws.Place(c.place.path, n), c.text, patched, f"Read args.{dest}",
                    headline(f"{option} is args.{dest}"))  # fmt: skip


def _json_backslash(facts: Facts) -> Finding | None:
    m = JSON_ESCAPE.search(facts.output)
    if m is None or "JSONDecodeError" not in facts.output:
        return None
    line, col = int(m["line"]), int(m["col"])
    hits = []
    for path in ws.workspace_files(facts.root, {".json"}):
        text = facts.read(path) or ""
        at = line_of(text, line) or ""
        if len(at) >= col and at[col - 1] == "\\":
            hits.append((path, text, at))
    if len(hits) != 1:
        return None
    path, text, at = hits[0]
    rel = ws.relative_to(path, facts.root)
    message = (
        f"{rel} line {line} has a lone backslash ({at.strip()[:60]}): in JSON a backslash starts an escape such "
        "as \\n, so a Windows path needs each one doubled (C:\\\\Users) or written with forward slashes."
    )
    patched = replace_on_line(text, line, r"(?<!\\)\\(?!\\)", lambda _m: "\\\\")  # a path: every one doubled
    return proposed(message, ws.Place(path, line), text, patched, "Double the backslashes",
                    headline("a lone backslash in the JSON"))  # fmt: skip


def _header_character(facts: Facts) -> Finding | None:
    m = NOT_LATIN1.search(facts.output)
    if m is None or ("http/client.py" not in facts.output and "putheader" not in facts.output):
        return None
    char = m["char"].encode().decode("unicode_escape") if m["char"].startswith("\\u") else m["char"]
    for place in reversed(frames(facts)):
        text = facts.read(place.path) or ""
        lines = [n for n, s in enumerate(text.splitlines(), 1) if char in s]
        if len(lines) == 1:
            n = lines[0]
            plain = "..." if char == "\u2026" else None
            key = re.search(r"['\"](?P<key>[\w-]+)['\"]\s*:", text.splitlines()[n - 1])
            header = f"the {key['key']} header" if key else "a header value"
            message = (
                f"Line {n} puts {char!r} (U+{ord(char):04X}) in {header}, and HTTP headers carry latin-1 "
                "only: text copied from a web page or a document often brings such characters. Write it in plain "
                f"ASCII{f' ({plain!r})' if plain else ''}."
            )
            patched = text.replace(char, plain) if plain else None
            return proposed(message, ws.Place(place.path, n), text, patched, "Plain ASCII in the header",
                            headline(f"U+{ord(char):04X} in a header"))  # fmt: skip
    return None


def _number_called(facts: Facts) -> Finding | None:
    c = crash(facts)
    if c is None or c.kind != "TypeError" or not re.fullmatch(r"'(?:int|float)' object is not callable", c.detail):
        return None
    hits = list(NUMBER_CALL.finditer(c.code))
    if len(hits) != 1:
        return None
    num = hits[0]["num"]
    message = (
        f"{num}( on line {c.place.line} calls the number {num}: Python has no implied multiplication, so "
        f"{num}(...) means a call. Write {num} * (...)."
    )
    patched = replace_on_line(c.text, c.place.line, NUMBER_CALL.pattern, lambda h: f"{h['num']} * (", 1)
    return proposed(message, c.place, c.text, patched, f"{num} * (...)", headline(f"{num}( is a call: write * "))


def _header_lacks_column(facts: Facts) -> Finding | None:
    c = crash(facts)
    m = re.match(r"dict contains fields not in fieldnames: '(?P<key>[^']+)'", c.detail) if c else None
    if c is None or m is None:
        return None
    lines = c.text.splitlines()
    given = [n for n, s in enumerate(lines, 1) if re.search(r"fieldnames\s*=\s*\w+\.fieldnames\b", s)]
    added = [n for n, s in enumerate(lines, 1) if re.search(rf"\[\s*['\"]{re.escape(m['key'])}['\"]\s*\]\s*=", s)]
    if len(given) != 1 or not added:
        return None
    key = m["key"]
    message = (
        f"The writer's fieldnames are the input's header (line {given[0]}), and line {added[0]} adds '{key}' to each "
        f"row, which that header lacks. Give the writer the new column too: fieldnames=[*reader.fieldnames, '{key}']."
    )
    at = ws.Place(c.place.path, given[0])
    patched = replace_on_line(c.text, given[0], r"(\w+)\.fieldnames\b", lambda h: f"[*{h[1]}.fieldnames, {key!r}]", 1)
    return proposed(message, at, c.text, patched, f"Add '{key}' to the fieldnames", headline(f"the header lacks {key}"))


def _inherited_default(facts: Facts) -> Finding | None:
    c = crash(facts)
    m = re.match(r"non-default argument '(?P<field>\w+)' follows default argument", c.detail) if c else None
    if c is None or m is None:
        return None
    lines = c.text.splitlines()
    field = [n for n, s in enumerate(lines, 1) if re.match(rf"\s+{m['field']}\s*:[^=]+$", s)]
    if len(field) != 1:
        return None
    n = field[0]
    cls = next((i for i in range(n - 1, 0, -1) if re.match(r"class \w+\((?P<base>\w+)\)", lines[i - 1])), None)
    base = re.match(r"class \w+\((?P<base>\w+)\)", lines[cls - 1]) if cls else None
    start = next((i for i, s in enumerate(lines, 1) if base and re.match(rf"class {base['base']}\b", s)), None)
    defaults = [re.match(r"\s+(\w+)\s*:[^=]+=", s) for s in lines[start:cls] if start and cls] if start else []
    named = [d[1] for d in defaults if d]
    if cls is None or base is None or not named:
        return None
    message = (
        f"A dataclass subclass puts its fields after its parent's, and {base['base']}'s {named[-1]} has a default, so "
        f"'{m['field']}' (line {n}), which has none, cannot follow it. Give {m['field']} a default (for a list: "
        "field(default_factory=list)), or make the subclass's fields keyword-only: @dataclass(kw_only=True)."
    )
    deco = cls - 1
    patched = replace_on_line(c.text, deco, r"^@dataclass[ \t]*$", "@dataclass(kw_only=True)", 1) if deco else None
    return proposed(message, ws.Place(c.place.path, n), c.text, patched, "@dataclass(kw_only=True)",
                    headline(f"{m['field']} follows a default"))  # fmt: skip


def _getattr_recursion(facts: Facts) -> Finding | None:
    if "RecursionError" not in facts.output:
        return None
    where = frames(facts)
    place = where[-1] if where else None
    text = facts.read(place.path) if place else None
    if place is None or text is None:
        return None
    lines = text.splitlines()
    opener = next((i for i in range(place.line, 0, -1) if re.match(r"\s+def (\w+)\(", lines[i - 1])), None)
    if opener is None or not re.match(r"\s+def __getattr__\(self", lines[opener - 1]):
        return None
    read = re.findall(r"\bself\.(\w+)", lines[place.line - 1])
    unset = [a for a in read if not re.search(rf"\bself\.{a}\s*=[^=]", text)]
    if not unset:
        return None
    name = unset[0]
    return Finding(
        f"__getattr__ runs for any attribute that is not set, and line {place.line} reads self.{name}, which "
        f"nothing ever sets (not __init__ either): reading it calls __getattr__ again, forever. Set self.{name} in "
        "__init__, or read it with self.__dict__.get(...) inside __getattr__.",
        place,
        headline=headline(f"self.{name} is never set"),
    )


def _header_number(facts: Facts) -> Finding | None:
    m = re.search(
        r"Header part \(\S+\) from \('(?P<name>[^']+)', (?P<value>[\d.]+)\) must be of type str", facts.output
    )
    if m is None:
        return None
    written = re.compile(rf"""(['"]){re.escape(m["name"])}\1\s*:\s*{re.escape(m["value"])}\b""")
    for path in ws.workspace_files(facts.root, {".py"}):
        text = facts.read(path) or ""
        hits = [n for n, s in enumerate(text.splitlines(), 1) if written.search(s)]
        if len(hits) == 1:
            n = hits[0]
            message = (
                f"Line {n} gives the {m['name']} header the number {m['value']}, and header values must be text: "
                f"write it quoted, '{m['value']}'."
            )
            patched = replace_on_line(text, n, written.pattern, lambda h: f"{h[0][: h[0].rindex(':') + 1]} "
                                      f"'{m['value']}'", 1)  # fmt: skip
            return proposed(message, ws.Place(path, n), text, patched, "Quote the header value",
                            headline(f"{m['name']} must be text"))  # fmt: skip
    return None


def _match_not_escaped(facts: Facts) -> Finding | None:
    if "Regex pattern did not match" not in facts.output or "re.escape()" not in facts.output:
        return None
    raised = re.compile(r"pytest\.raises\([^)]*\bmatch\s*=\s*(?P<arg>\w+)\s*\)")
    for path in ws.workspace_files(facts.root, {".py"}):
        text = facts.read(path) or ""
        lines = text.splitlines()
        hits = [(n, m) for n, s in enumerate(lines, 1) if (m := raised.search(s))]
        if len(hits) != 1:
            continue
        n, m = hits[0]
        made = next((i for i, s in enumerate(lines, 1) if re.match(rf"{m['arg']}\s*=", s)), n)
        message = (
            f"match= is a regular expression, and the message in {m['arg']} (line {made}) has parentheses, which a "
            f"regex reads as a group, not as ( ): it cannot match itself. Escape it: match=re.escape({m['arg']})."
        )
        patched = replace_on_line(text, n, rf"match\s*=\s*{m['arg']}\b", f"match=re.escape({m['arg']})", 1)
        patched = ensure_import(patched, "import re", "re") if patched else None
        return proposed(message, ws.Place(path, made), text, patched, "re.escape the message",
                        headline("match= is a regex: re.escape it"))  # fmt: skip
    return None


def _not_installed(facts: Facts) -> Finding | None:
    m = re.search(r"PackageNotFoundError: No package metadata was found for (?P<name>[\w.-]+)", facts.output)
    project = facts.cwd / "pyproject.toml"
    declared = re.search(r'^name\s*=\s*"(?P<name>[^"]+)"', facts.read(project) or "", re.M) if m else None
    if m is None or declared is None or declared["name"].replace("-", "_") != m["name"].replace("-", "_"):
        return None
    reads = lines_in_workspace(facts, {".py"}, r"metadata\.version\(")
    if len(reads) != 1:
        return None
    path, n = reads[0][0].path, reads[0][0].line
    return Finding(
        f"Line {n} reads {m['name']}'s version from the installed package's metadata, and this project is not "
        f"installed, only run from its folder: install it in development mode, pip install -e . (in its virtual "
        "environment), or give the version a fallback for when it is not installed.",
        ws.Place(path, n),
        headline=headline(f"{m['name']} is not installed"),
    )
