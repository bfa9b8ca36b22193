"""Slips the code or its data shows, where the error's words point elsewhere: an argparse option read under another
name than the one it defines, a JSON file with a lone backslash (a Windows path), a header value holding a character
HTTP headers cannot carry (text copied from elsewhere), and a number written before a parenthesis (a missing *).
"""

from __future__ import annotations

import difflib
import re

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.edits import line_of, replace_on_line
from livepair.backends.offline.enrich import Facts, Finding, headline
from livepair.backends.offline.py_crash import crash, first_finding, frames, proposed

OPTION = re.compile(r"\.add_argument\((?P<args>[^)]*)\)")
JSON_ESCAPE = re.compile(r"Invalid \\escape: line (?P<line>\d+) column (?P<col>\d+)")
NOT_LATIN1 = re.compile(r"'latin-1' codec can't encode character '(?P<char>\\u[0-9a-f]{4}|.)'")
NUMBER_CALL = re.compile(r"(?<![\w.])(?P<num>\d+(?:\.\d+)?)\s*\(")


def advise(facts: Facts) -> Finding | None:
    return first_finding([_option_name, _json_backslash, _header_character, _number_called], facts)


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
                            headline(f"{char!r} in a header"))  # fmt: skip
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
