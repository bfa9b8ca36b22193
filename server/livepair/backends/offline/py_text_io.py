"""Text in and out whose cause the output and the workspace show: a UTF-16 file read as UTF-8 (its byte-order mark
is the byte the error names), JSON Lines read as one JSON document, a console whose encoding cannot show a
character that print() wrote, braces of the text itself read by str.format(), a literal % in a ConfigParser
file, and a CSV whose byte-order mark sticks to its first header.
"""

from __future__ import annotations

import ast
import itertools
import json
import re
from pathlib import Path

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.py_crash import Crash, crash, proposed, replace_line

BOM = re.compile(r"'utf-8' codec can't decode byte (?P<byte>0xff|0xfe) in position 0")
READER = re.compile(
    r"\b(?P<call>open|read_csv|read_table|read_json|read_text|loadtxt|genfromtxt)\((?P<args>[^()]*(?:\([^()]*\)[^()]*)*)\)"
)
EXTRA = re.compile(r"^Extra data: line (?P<line>\d+) column 1 ")
CONSOLE = re.compile(r"'(?P<codec>charmap|cp\d+|ascii|latin-1)' codec can't encode character '(?P<char>[^']+)'")
MAX_FILES = 200  # workspace files looked at for a UTF-16 byte-order mark


def advise(facts: Facts) -> Finding | None:
    c = crash(facts)
    if c is None:
        return None
    for detect in (utf16_read, json_lines, console_encoding, literal_braces, percent_in_config, csv_bom):
        found = detect(c, facts)
        if found is not None:
            return found
    return None


def utf16_read(c: Crash, facts: Facts) -> Finding | None:
    if c.kind != "UnicodeDecodeError" or not BOM.search(c.detail):
        return None
    files = itertools.islice(ws.workspace_files(facts.root), MAX_FILES)
    wide = [p for p in files if p.suffix != ".py" and _head(p) in (b"\xff\xfe", b"\xfe\xff")]
    at = _reading_line(c)
    if not wide or at is None:
        return None
    names = ", ".join(ws.relative_to(p, facts.cwd) for p in wide[:3])
    message = (
        f"{names} {'is' if len(wide) == 1 else 'are'} UTF-16 text (it starts with a UTF-16 byte-order mark, the "
        f"byte the error names at position 0), and line {at} reads it as UTF-8. Read it with encoding='utf-16'."
    )
    code = c.text.splitlines()[at - 1]
    fixed = re.sub(r"encoding\s*=\s*(['\"])utf-?8\1", "encoding='utf-16'", code, flags=re.I)
    if fixed == code:
        opened = READER.search(code)
        fixed = (
            code.replace(opened.group(0), f"{opened['call']}({opened['args']}, encoding='utf-16')", 1)
            if opened
            else code
        )
    return proposed(message, ws.Place(c.place.path, at), c.text, replace_line(c.text, at, fixed), "utf-16")


def _reading_line(c: Crash) -> int | None:
    """The line that opened what failed to decode: the crash line itself, or the with open(...) it runs inside."""
    if READER.search(c.code):
        return c.place.line
    tree = c.tree
    blocks = [
        n for n in ast.walk(tree) if isinstance(n, ast.With) and n.lineno < c.place.line <= (n.end_lineno or 0)
        and any(READER.search(ast.get_source_segment(c.text, i.context_expr) or "") for i in n.items)
    ] if tree else []  # fmt: skip
    return max(blocks, key=lambda n: n.lineno).lineno if blocks else None


def json_lines(c: Crash, facts: Facts) -> Finding | None:
    m = EXTRA.match(c.detail) if c.kind == "JSONDecodeError" else None
    if m is None or not re.search(r"\bjson\.loads?\(", c.code):
        return None
    if re.search(r"json\.dump\(", c.text) and re.search(r"open\([^)]*['\"]a", c.text):
        return None  # this program appends its own JSON to the file: where it writes is the question, not shown
    files = itertools.islice(ws.workspace_files(facts.root), MAX_FILES)
    if not any(_json_per_line(p) for p in files if p.suffix != ".py"):
        return None  # no file here holds one JSON value per line: the extra data may be a stray bracket
    return Finding(
        f"The text holds more than one JSON value: the second starts at the beginning of line {m['line']}, one "
        "object per line (JSON Lines), and json.load/json.loads read exactly one. Parse it line by line: "
        "[json.loads(line) for line in f if line.strip()].",
        c.place,
    )


def console_encoding(c: Crash, facts: Facts) -> Finding | None:
    m = CONSOLE.search(c.detail) if c.kind == "UnicodeEncodeError" else None
    if m is None or not re.search(r"\bprint\(|sys\.stdout\.write\(", c.code):
        return None
    return Finding(
        f"print() writes through the console's encoding ({m['codec']}), which has no {m['char']} in it; the text "
        "itself is fine. Make Python's output UTF-8: set PYTHONIOENCODING=utf-8 (on Windows also chcp 65001), or "
        "call sys.stdout.reconfigure(encoding='utf-8') at the start of the program."
    )


def _head(path: Path, size: int = 2) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(size)
    except OSError:
        return b""


def _json_per_line(path: Path) -> bool:
    """Two or more non-empty lines, each a whole JSON value (what JSON Lines is)."""
    try:
        lines = [line for line in path.read_text(errors="replace")[:200_000].splitlines() if line.strip()]
        return len(lines) >= 2 and all(isinstance(json.loads(line), dict | list) for line in lines[:50])
    except (OSError, ValueError):
        return False


def _files(facts: Facts, suffixes: set[str] | None = None) -> list[Path]:
    return list(itertools.islice(ws.workspace_files(facts.root, suffixes), MAX_FILES))


def literal_braces(c: Crash, facts: Facts) -> Finding | None:
    """str.format() met braces that are the text's own (JSON, a config), read as a field named like the KeyError."""
    key = re.fullmatch(r"""(?P<q>['"])(?P<key>.*)(?P=q)""", c.detail) if c.kind == "KeyError" else None
    if key is None or ".format(" not in c.code or not key["key"].strip(" \"'"):
        return None
    if key["key"].isidentifier() or key["key"].isdigit():
        return None  # a real field's name: an argument missing from format(), not braces of the text
    brace = "{" + key["key"]
    for path in _files(facts):
        text = facts.read(path) or ""
        for n, line in enumerate(text.splitlines(), 1):
            if brace in line and (path != c.place.path or n != c.place.line):
                return Finding(
                    f"str.format() reads every {{ }} in the template as a field, and the braces on line {n} of "
                    f"{ws.relative_to(path, facts.cwd)} are the text's own ({brace}...), so format looks for a field "
                    f"named {key['key']!r}. Double the literal braces, {{{{ and }}}}, or fill the template another way "
                    "(string.Template, or replace()).",
                    ws.Place(path, n),
                )
    return None


def percent_in_config(c: Crash, facts: Facts) -> Finding | None:
    m = re.search(r"'%' must be followed by '%' or '\(', found: '(?P<found>[^']*)'", c.detail)
    if m is None:
        return None
    for path in _files(facts, {".ini", ".cfg", ".conf", ".toml", ""}):
        for n, line in enumerate((facts.read(path) or "").splitlines(), 1):
            if m["found"] and m["found"] in line:
                return Finding(
                    f"ConfigParser reads % in a value as the start of an interpolation, and line {n} of "
                    f"{ws.relative_to(path, facts.cwd)} has a literal % ({m['found']}). Write it as %%, or make the "
                    "parser configparser.ConfigParser(interpolation=None) (or RawConfigParser).",
                    ws.Place(path, n),
                )
    return None


def csv_bom(c: Crash, facts: Facts) -> Finding | None:
    """A CSV saved with a UTF-8 byte-order mark and read as utf-8: the first header keeps it ('\\ufeffname')."""
    if c.kind not in ("KeyError", "ValueError"):
        return None
    tree = c.tree
    for node in ast.walk(tree) if tree else ():
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name) or node.func.id != "open":
            continue
        first = node.args[0] if node.args else None
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        path = facts.cwd / first.value
        if not path.is_file() or _head(path, 3) != b"\xef\xbb\xbf":
            continue
        header = path.read_bytes()[3:].split(b"\n", 1)[0].decode(errors="replace")
        name = re.split(r"[,;\t]", header)[0].strip().strip('"')
        if not name or name not in c.detail:
            continue
        code = c.text.splitlines()[node.lineno - 1]
        fixed = re.sub(r"encoding\s*=\s*(['\"])utf-?8\1", "encoding='utf-8-sig'", code, flags=re.I)
        message = (
            f"{first.value} starts with a UTF-8 byte-order mark (BOM, \\ufeff), and opened as utf-8 on line "
            f"{node.lineno} the mark stays in front of its first header, so '{name}' is read as '\\ufeff{name}'. "
            "Open it with encoding='utf-8-sig', which drops the mark."
        )
        return proposed(message, ws.Place(c.place.path, node.lineno), c.text, replace_line(c.text, node.lineno, fixed),
                        "utf-8-sig")  # fmt: skip
    return None
