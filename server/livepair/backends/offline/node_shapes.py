"""A value with the right name and the wrong shape, which Node's error meets later: a Map filled like a plain object
(so get() finds nothing), a folder listing taken for folders only (a file among them), a file's name handed to zlib
where its bytes are wanted, a stream's chunks decoded to strings and then joined as Buffers, and a whole link given
to URLSearchParams (which takes only the query). Each is said where the value is made, the error's line beside it.
"""

from __future__ import annotations

import re

from livepair.backends.offline import node_fixes, node_misuse
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding, headline

MAP = re.compile(r"\b(?:const|let|var)\s+(?P<name>[\w$]+)\s*=\s*new\s+Map\(")
SEARCH_PARAMS = r"new URLSearchParams\((?P<arg>(?:[^()]|\([^()]*\))*)\)"  # its argument, one level of () in it
ZLIB = re.compile(r"\b(?P<mod>[\w$]+)\.(?P<fn>gunzip|inflate|unzip|brotliDecompress)Sync\(\s*(?P<arg>[\w$]+)\s*\)")


def advise(kind: str, code: str, msg: str, where: ws.Place | None, facts: Facts, command: str) -> Finding | None:
    lines = node_misuse.lines_of(where)
    if where is None or not lines:
        return None
    if msg.startswith("Cannot read properties of undefined"):
        return _map_filled_like_an_object(where, lines)
    if msg.startswith("Cannot read properties of null"):
        return _link_as_query(where, lines)
    if re.match(r'The "list\[\d+\]" argument must be an instance of Buffer.*Received type string', msg):
        return _decoded_chunks(where, lines)
    if code == "ENOTDIR" or msg.startswith("ENOTDIR"):
        return _file_in_a_listing(msg, where, lines, facts)
    if code == "Z_DATA_ERROR" or msg == "incorrect header check":
        return _name_for_bytes(where, lines, facts)
    return None


def _map_filled_like_an_object(where: ws.Place, lines: list[str]) -> Finding | None:
    for made in MAP.finditer("\n".join(lines)):
        name = re.escape(made["name"])
        stored = [n for n, s in enumerate(lines, 1) if re.search(rf"(?<![\w$.]){name}\[[^\]]+\]\s*=(?!=)", s)]
        read = any(re.search(rf"(?<![\w$.]){name}\.get\(", s) for s in lines)
        if len(stored) != 1 or not read:
            continue
        at = ws.Place(where.path, stored[0])
        said = Finding(
            f"{made['name']} is a Map, and line {stored[0]} stores into it with {made['name']}[key] = ..., which sets "
            f"a plain property, not an entry: {made['name']}.get() never finds it, so it gives undefined (read on "
            f"line {where.line}). Use {made['name']}.set(key, value).",
            at,
            headline=headline(f"{made['name']}[key] = on a Map: use .set()"),
        )
        assign = rf"(?<![\w$.]){name}\[(?P<key>[^\]]+)\]\s*=\s*(?P<value>[^;=][^;]*?)\s*;?\s*$"
        return node_fixes.line_edited(said, at, assign, rf"{made['name']}.set(\g<key>, \g<value>);", "Use Map.set")
    return None


def _file_in_a_listing(msg: str, where: ws.Place, lines: list[str], facts: Facts) -> Finding | None:
    m = re.search(r"ENOTDIR: not a directory, scandir '(?P<path>[^']+)'", msg)
    entry = facts.cwd / m["path"] if m else None
    listed = [n for n, s in enumerate(lines[: where.line - 1], 1) if "readdirSync(" in s]
    if m is None or entry is None or not entry.is_file() or not listed:
        return None
    at = listed[-1]
    return Finding(
        f"readdirSync lists files as well as folders, and {entry.name} in that folder is a file: line {where.line} "
        f"reads each entry of line {at}'s listing as a folder. List with {{ withFileTypes: true }} and keep the "
        "entries whose isDirectory() is true.",
        ws.Place(where.path, at),
        headline=headline(f"{entry.name} is a file, not a folder"),
    )


def _name_for_bytes(where: ws.Place, lines: list[str], facts: Facts) -> Finding | None:
    line = lines[where.line - 1] if 0 < where.line <= len(lines) else ""
    m = ZLIB.search(line)
    named = _string_of(m["arg"], lines, where.line) if m else None
    if m is None or named is None or not (facts.cwd / named).is_file():
        return None
    said = Finding(
        f"{m['mod']}.{m['fn']}Sync() is given '{named}', the file's name, not its bytes (a string is taken as the "
        f"data itself). Read the file first: {m['mod']}.{m['fn']}Sync(fs.readFileSync({m['arg']})).",
        where,
        headline=headline(f"{m['fn']}Sync got a file name, not bytes"),
    )
    if not re.search(r"\bconst\s+fs\s*=\s*require\(\s*['\"](?:node:)?fs['\"]\s*\)", "\n".join(lines)):
        return said
    call = rf"\b{re.escape(m['mod'])}\.{m['fn']}Sync\(\s*{re.escape(m['arg'])}\s*\)"
    patched = f"{m['mod']}.{m['fn']}Sync(fs.readFileSync({m['arg']}))"
    return node_fixes.line_edited(said, where, call, patched, "Read the file's bytes first")


def _string_of(name: str, lines: list[str], before: int) -> str | None:
    """The string literal `name` holds: assigned in the file, or passed as the one argument of the one call to the
    function whose parameter it is (one step back)."""
    text = "\n".join(lines)
    assigned = re.findall(rf"\b(?:const|let|var)\s+{re.escape(name)}\s*=\s*['\"`]([^'\"`$]+)['\"`]", text)
    if len(assigned) == 1:
        return assigned[0]
    fn = next(
        (m["fn"] for m in re.finditer(r"function\s+(?P<fn>[\w$]+)\s*\((?P<params>[^)]*)\)", "\n".join(lines[:before]))
         if [p.strip() for p in m["params"].split(",")] == [name]),
        None,
    )  # fmt: skip
    calls = re.findall(rf"(?<![\w$.]){re.escape(fn)}\(\s*([\w$]+|['\"][^'\"]+['\"])\s*\)", text) if fn else []
    calls = [c for c in calls if c != name]
    if len(calls) != 1:
        return None
    given = calls[0]
    if given[0] in "'\"":
        return given[1:-1]
    return _string_of(given, lines, before) if given != name else None


def _decoded_chunks(where: ws.Place, lines: list[str]) -> Finding | None:
    decoded = [n for n, s in enumerate(lines[: where.line], 1) if re.search(r"\.setEncoding\(", s)]
    if len(decoded) != 1 or "Buffer.concat(" not in lines[where.line - 1]:
        return None
    at = ws.Place(where.path, decoded[0])
    return Finding(
        f"Line {decoded[0]}'s setEncoding() makes the stream give strings, not Buffers, and Buffer.concat on line "
        f"{where.line} takes Buffers only. Keep one: remove setEncoding and concat the Buffers, or keep it and join "
        "the strings (chunks.join('')).",
        at,
        headline=headline("setEncoding gives strings, not Buffers"),
    )


def _link_as_query(where: ws.Place, lines: list[str]) -> Finding | None:
    line = lines[where.line - 1] if 0 < where.line <= len(lines) else ""
    read = re.search(r"(?P<params>[\w$]+)\.get\(", line)
    built = re.compile(rf"\b{re.escape(read['params'])}\s*=\s*" + SEARCH_PARAMS) if read else None
    made = next(((n, m) for n, s in enumerate(lines[: where.line], 1) if built and (m := built.search(s))), None)
    text = "\n".join(lines)
    if made is None or "://" not in text or re.search(r"[.?]search\b|\.split\(\s*['\"]\?", made[1]["arg"]):
        return None  # no link in the file, or the query is cut out of it already
    n, m = made
    return Finding(
        f"URLSearchParams takes a query string (tags=a&page=2), and line {n} gives it {m['arg'].strip()}, a whole "
        f"link: its first key is then the link up to '=', so get() on line {where.line} finds nothing and gives "
        f"null. Parse the link: new URL({m['arg'].strip()}).searchParams.",
        ws.Place(where.path, n),
        headline=headline("URLSearchParams takes the query, not the link"),
    )
