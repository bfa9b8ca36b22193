"""One thing taken for another, which the error names only by its symptom: a module for the class of the same name
(`import datetime` then `datetime(...)`) and the class for its module (`from datetime import datetime` then
`datetime.datetime`), bytes written to a file opened for text, a whole command line given to subprocess as one
program name, JSON text made by json.dumps and then read like the data, a sqlite table kept from an older schema by
CREATE TABLE IF NOT EXISTS, text posted where bytes are wanted, a URL built with a space in it, a thread started
twice, a CSV field longer than the csv module's limit, a folder listing that holds a file that is not an image, an
http:// address given to a WebSocket client, and a password given as text where bytes are wanted.
"""

from __future__ import annotations

import re
import shlex

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.edits import ensure_import, line_of, replace_on_line
from livepair.backends.offline.enrich import Facts, Finding, headline
from livepair.backends.offline.py_crash import crash, first_finding, frames, lines_in_workspace, proposed

SUBPROCESS = re.compile(
    r"\bsubprocess\.(?:Popen|run|call|check_call|check_output)\(\s*(?P<arg>[\w.]+|(?P<q>['\"])[^'\"]*(?P=q))"
)
TEXT_BODY = r"(?:json\.dumps|urllib\.parse\.urlencode|urlencode)\("  # what makes a request body as text


def advise(facts: Facts) -> Finding | None:
    return first_finding([_module_called, _class_as_module, _bytes_to_text_file, _one_string_command,
                          _dumps_indexed, _older_table, _text_posted, _space_in_url, _started_twice,
                          _csv_field_limit, _not_an_image, _http_for_websocket, _text_password], facts)  # fmt: skip


def _module_called(facts: Facts) -> Finding | None:
    c = crash(facts)
    if c is None or c.kind != "TypeError" or not c.detail.startswith("'module' object is not callable"):
        return None
    lines = c.text.splitlines()
    called = re.findall(r"(?<![\w.])(\w+)\(", c.code)
    imported = next(
        ((n, name) for name in called for n, s in enumerate(lines, 1) if re.fullmatch(rf"import {name}\s*", s)), None
    )
    if imported is None:
        return None
    n, name = imported
    used = re.search(rf"(?<![\w.]){name}\.\w", c.text)  # the module is used as one elsewhere: keep the import
    message = (
        f"Line {n} imports the module {name}, and line {c.place.line} calls it; what is called is the class (or "
        f"function) inside it, {name}.{name}. Import that: from {name} import {name}"
        + (f", or call {name}.{name}(...)." if used else ".")
    )
    at = ws.Place(c.place.path, n)
    patched = None if used else replace_on_line(c.text, n, rf"^import {name}\b", f"from {name} import {name}", 1)
    brief = headline(f"{name} is the module; the class is {name}.{name}")
    return proposed(message, at, c.text, patched, f"from {name} import {name}", brief)


def _class_as_module(facts: Facts) -> Finding | None:
    c = crash(facts)
    m = (
        re.fullmatch(r"type object '(?P<module>\w+)\.(?P<cls>\w+)' has no attribute '(?P=cls)'", c.detail)
        if c
        else None
    )
    used = re.search(rf"(?<![\w.]){m['cls']}\.{m['cls']}\.(?P<attr>\w+)", c.code) if c and m else None
    if c is None or m is None or used is None:
        return None
    lines = c.text.splitlines()
    n = next((i for i, s in enumerate(lines, 1) if re.match(rf"\s*from {m['module']} import .*\b{m['cls']}\b", s)), 0)
    if not n:
        return None
    cls = m["cls"]
    message = (
        f"{cls} here is the class, not the module: line {n} imports it with from {m['module']} import {cls}. So "
        f"{cls}.{cls} asks the class for an attribute it does not have. Write {cls}.{used['attr']} directly."
    )
    patched = replace_on_line(c.text, c.place.line, rf"(?<![\w.]){cls}\.{cls}\.", f"{cls}.")
    return proposed(message, c.place, c.text, patched, f"{cls}. without the module", headline(f"{cls} is the class"))


def _bytes_to_text_file(facts: Facts) -> Finding | None:
    c = crash(facts)
    if c is None or c.kind != "TypeError" or not c.detail.startswith("write() argument must be str, not bytes"):
        return None
    handle = re.search(r"(?P<name>\w+)\.write\(", c.code)
    lines = c.text.splitlines()
    opened = handle and next(
        (n for n, s in enumerate(lines[: c.place.line], 1)
         if re.search(rf"open\([^)]*['\"](?P<mode>[wa]t?)['\"][^)]*\)\s+as\s+{handle['name']}\b"
                      rf"|{handle['name']}\s*=\s*open\([^)]*['\"][wa]t?['\"]", s)),
        None,
    )  # fmt: skip
    if handle is None or not opened:
        return None
    message = (
        f"Line {opened} opens {handle['name']} for text, and line {c.place.line} writes bytes to it. Open it in "
        "binary mode ('wb') to keep the bytes as they are, or decode them to text first."
    )
    patched = replace_on_line(c.text, opened, r"(['\"])([wa])t?\1", lambda m: f"{m[1]}{m[2]}b{m[1]}", 1)
    return proposed(message, ws.Place(c.place.path, opened), c.text, patched, "Open it in binary mode",
                    headline("bytes written to a text file"))  # fmt: skip


def _one_string_command(facts: Facts) -> Finding | None:
    c = crash(facts)
    m = re.match(r"\[Errno 2\] No such file or directory: '(?P<cmd>[^']+ [^']*)'", c.detail) if c else None
    if c is None or m is None or c.kind != "FileNotFoundError":
        return None
    call = next(((p, s) for p in reversed(c.frames) if (s := SUBPROCESS.search(line_of(facts.read(p.path) or "",
                 p.line) or ""))), None)  # fmt: skip
    if call is None or "shell=True" in call[1].string:
        return None
    place, hit = call
    message = (
        f"subprocess was given the whole command line '{m['cmd']}' as one string, so it looked for a program "
        "of that name. Give it a list of words: shlex.split(...) turns a command line into one, or write the list "
        "(['program', 'arg', ...])."
    )
    text = facts.read(place.path) or ""
    arg = hit["arg"]
    words = _words(arg[1:-1]) if hit["q"] else None  # a literal: its list written out; a name: split when run
    new = hit[0].replace(arg, repr(words) if words else f"shlex.split({arg})", 1)
    patched = replace_on_line(text, place.line, re.escape(hit[0]), lambda _m: new, 1)
    patched = ensure_import(patched, "import shlex", "shlex") if patched and not words else patched
    return proposed(message, place, text, patched, "shlex.split the command", headline("a command line as one name"))


def _dumps_indexed(facts: Facts) -> Finding | None:
    c = crash(facts)
    if c is None or c.kind != "TypeError" or not c.detail.startswith("string indices must be integers"):
        return None
    indexed = re.findall(r"(?<![\w.])(\w+)\[", c.code)
    lines = c.text.splitlines()
    made = next(
        ((n, name) for name in indexed for n in range(c.place.line - 1, 0, -1)
         if re.match(rf"\s*{name}\s*=\s*json\.dumps\(", lines[n - 1])),
        None,
    )  # fmt: skip
    if made is None:
        return None
    n, name = made
    message = (
        f"{name} is JSON text: line {n} made it with json.dumps, which turns data into a string. To read JSON into "
        "data (dicts and lists you can index by key), use json.loads on text, or json.load on a file."
    )
    patched = replace_on_line(c.text, n, r"json\.dumps\(", "json.loads(", 1)
    return proposed(
        message, ws.Place(c.place.path, n), c.text, patched, "json.loads", headline("json.dumps makes text")
    )


def _older_table(facts: Facts) -> Finding | None:
    c = crash(facts)
    m = re.match(r"table (?P<table>\w+) has no column named (?P<col>\w+)", c.detail) if c else None
    if c is None or m is None:
        return None
    create = re.compile(rf"CREATE TABLE IF NOT EXISTS {m['table']}\b[^;]*\b{m['col']}\b", re.I | re.S)
    sources = [p for p in ws.workspace_files(facts.root, {".sql", ".py"}) if create.search(facts.read(p) or "")]
    lines = c.text.splitlines()
    runs = [n for n, s in enumerate(lines[: c.place.line], 1) if create.search(s) or "executescript(" in s]
    if not sources or len(runs) != 1:
        return None
    made = ws.relative_to(sources[0], facts.root)
    return Finding(
        f"{made} creates {m['table']} with {m['col']}, but with IF NOT EXISTS: the database already had a table "
        f"{m['table']} from before (an older schema, without {m['col']}), so line {runs[0]} kept it as it was. "
        f"Migrate it (ALTER TABLE {m['table']} ADD COLUMN {m['col']} ...) or start from a new database file.",
        ws.Place(c.place.path, runs[0]),
        headline=headline(f"{m['table']} is from an older schema"),
    )


def _words(line: str) -> list[str] | None:
    try:
        return shlex.split(line)
    except ValueError:
        return None


def _assigned_above(text: str, line: int, name: str, value: str) -> int | None:
    """The nearest line above `line` that assigns `name` a value matching `value`."""
    lines = text.splitlines()
    return next((n for n in range(line - 1, 0, -1) if re.match(rf"\s*{name}\s*=\s*{value}", lines[n - 1])), None)


def _text_posted(facts: Facts) -> Finding | None:
    c = crash(facts)
    if c is None or c.kind != "TypeError" or not c.detail.startswith("POST data should be bytes"):
        return None
    made = next(
        ((place, n) for place in reversed(c.frames)
         for name in re.findall(r"(?<![\w.])(\w+)\s*[,)]", line_of(facts.read(place.path) or "", place.line) or "")
         if (n := _assigned_above(facts.read(place.path) or "", place.line, name, TEXT_BODY))),
        None,
    )  # fmt: skip
    if made is None:
        return None
    place, n = made
    text = facts.read(place.path) or ""
    message = (
        f"Line {n} makes the request body as text (a str), and urllib sends bytes: encode it there, "
        "json.dumps(...).encode() (UTF-8)."
    )
    patched = replace_on_line(text, n, r"\)[ \t]*$", ").encode()", 1)
    at = ws.Place(place.path, n)
    return proposed(message, at, text, patched, "Encode the body", headline("the body is text; send bytes"))


def _space_in_url(facts: Facts) -> Finding | None:
    m = re.search(r"^[\w.]*InvalidURL: URL can't contain control characters\. '(?P<url>[^']*)' \(found at least "
                  r"'(?P<char>[^']*)'\)", facts.output, re.M)  # fmt: skip
    where = frames(facts)
    if m is None or not where:
        return None
    place = where[-1]
    text = facts.read(place.path) or ""
    used = re.search(r"\(\s*(?P<name>\w+)", line_of(text, place.line) or "")
    made = _assigned_above(text, place.line, used["name"], r".*\+") if used else None
    if made is None:
        return None
    built = line_of(text, made) or ""
    part = re.search(r"\+\s*(?P<part>[a-z_]\w*)\s*$", built)
    char = "a space" if m["char"] == " " else repr(m["char"])
    message = (
        f"The URL has {char} in it ({m['url']}), and a URL must be percent-encoded: line {made} builds it from text "
        "as it is. Quote that part, urllib.parse.quote(...), or build the query with urllib.parse.urlencode."
    )
    patched = None
    if part:
        quoted = replace_on_line(text, made, rf"\+\s*{part['part']}[ \t]*$", f"+ urllib.parse.quote({part['part']})", 1)
        patched = ensure_import(quoted, "import urllib.parse", "urllib.parse") if quoted else None
    return proposed(message, ws.Place(place.path, made), text, patched, "Percent-encode it",
                    headline("the URL needs percent-encoding"))  # fmt: skip


def _started_twice(facts: Facts) -> Finding | None:
    c = crash(facts)
    started = re.search(r"(?P<name>[\w.]+)\.start\(\)", c.code) if c else None
    if c is None or started is None or c.detail != "threads can only be started once":
        return None
    lines = c.text.splitlines()
    name = re.escape(started["name"])
    before = [n for n, s in enumerate(lines[: c.place.line - 1], 1) if re.search(rf"(?<![\w.]){name}\.start\(\)", s)]
    if not before:
        return None
    return Finding(
        f"{started['name']} was started already, on line {before[-1]}, and a Thread runs once: line {c.place.line} "
        "starts it a second time. Remove the second start, or make a new Thread for another run.",
        c.place,
        headline=headline(f"{started['name']} is started twice"),
    )


def _csv_field_limit(facts: Facts) -> Finding | None:
    m = re.search(r"^_csv\.Error: field larger than field limit \((?P<limit>\d+)\)$", facts.output, re.M)
    where = frames(facts)
    if m is None or not where:
        return None
    text = facts.read(where[-1].path) or ""
    lines = text.splitlines()
    made = [n for n, s in enumerate(lines, 1) if re.search(r"\bcsv\.(?:reader|DictReader)\(", s)]
    if len(made) != 1 or "field_size_limit(" in text:
        return None  # the program sets the limit itself: not the default one this is about
    return Finding(
        f"A field of the file is longer than the csv module's limit ({m['limit']} characters). Raise the limit "
        "before reading, csv.field_size_limit(sys.maxsize) (or a size you expect), or write such fields elsewhere.",
        ws.Place(where[-1].path, made[0]),
        headline=headline("a field over csv's size limit"),
    )


def _not_an_image(facts: Facts) -> Finding | None:
    m = re.search(r"UnidentifiedImageError: cannot identify image file '(?P<path>[^']+)'", facts.output)
    where = frames(facts)
    if m is None or not where:
        return None
    text = facts.read(where[-1].path) or ""
    folder = m["path"].rsplit("/", 1)[0] if "/" in m["path"] else "."
    listed = [
        n for n, s in enumerate(text.splitlines(), 1) if re.search(r"\b(?:os\.listdir|os\.scandir|glob\.glob)\(", s)
    ]
    if len(listed) != 1:
        return None
    name = m["path"].rsplit("/", 1)[-1]
    message = (
        f"Line {listed[0]} lists every file of {folder}, and {name} there is not an image (a file the system or an "
        "editor keeps beside them). Keep only image names: name.lower().endswith(('.png', '.jpg', '.jpeg')), or a "
        "glob such as *.jpg."
    )
    return Finding(message, ws.Place(where[-1].path, listed[0]), headline=headline(f"{name} is not an image"))


def _http_for_websocket(facts: Facts) -> Finding | None:
    m = re.search(r"InvalidURI: (?P<url>https?://\S+) isn't a valid URI: scheme isn't ws or wss", facts.output)
    if m is None:
        return None
    literal = re.compile(rf"(['\"]){re.escape(m['url'])}\1")
    hits = lines_in_workspace(facts, {".py"}, literal)
    if len(hits) != 1:
        return None
    (path, n), text = (hits[0][0].path, hits[0][0].line), hits[0][1]
    wanted = re.sub(r"^http", "ws", m["url"])
    message = (
        f"{m['url']} is an http address, and a WebSocket client speaks ws:// (wss:// over TLS); line {n} of "
        f"{path.name} writes it. Write {wanted}."
    )
    patched = replace_on_line(text, n, re.escape(m["url"]), lambda _m: wanted, 1)
    return proposed(message, ws.Place(path, n), text, patched, f"{wanted}", headline("a WebSocket URL is ws://"))


def _text_password(facts: Facts) -> Finding | None:
    c = crash(facts)
    if c is None or c.kind != "TypeError" or "while processing 'password'" not in facts.output:
        return None
    for name in re.findall(r"(?<![\w.])([A-Za-z_]\w*)(?![\w(])", c.code):
        made = _assigned_above(c.text, c.place.line, name, r"(['\"])")
        if made is None or "pass" not in name.lower():
            continue
        message = (
            f'{name} is text (line {made}), and the key\'s password must be bytes: write it b"...", or '
            f"{name}.encode() where it is read from text."
        )
        patched = replace_on_line(c.text, made, rf"({name}\s*=\s*)(['\"])", lambda h: f"{h[1]}b{h[2]}", 1)

        return proposed(message, ws.Place(c.place.path, made), c.text, patched, "The password as bytes",
                        headline(f"{name} must be bytes"))  # fmt: skip
    return None
