"""Python failures about files, imports and connections whose cause the workspace shows: relative imports run as
scripts, circular imports, empty or half-read pickles, a file opened in the wrong mode, encodings (named by
decoding the bytes), Windows paths in normal strings, ~ not expanded (placed where the path is written); and, from
py_connections.py, a refused local port, sqlite connections shared across threads, TLS servers of a private CA."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from livepair.backends.offline import py_connections, py_cycles
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.edits import line_of
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.probation import on_probation
from livepair.backends.offline.py_crash import (
    crash,
    error,
    first_finding,
    frames,
    proposed,
    replace_line,
    written_at,
)

OPEN = re.compile(
    r"""open\(\s*(?P<q>['"])(?P<path>[^'"]+)(?P=q)(?:\s*,\s*(?:mode\s*=\s*)?(?P<mq>['"])(?P<mode>[rwabx+t]+)(?P=mq))?"""
)


def package_run_as_script(facts: Facts) -> Finding | None:
    """`python pkg/main.py` (or from inside pkg/) with `import pkg...`: a script's own folder is on the path, not the
    folder above it, so the package that holds the script is not found. Run it as a module from above."""
    c = crash(facts)
    m = re.fullmatch(r"No module named '(?P<top>\w+)(?:\.[\w.]+)?'", c.detail) if c is not None else None
    if c is None or m is None or c.kind != "ModuleNotFoundError":
        return None
    root = facts.root.resolve()
    package = next((d for d in c.place.path.parents if d.name == m["top"] and (d == root or root in d.parents)), None)
    if package is None:
        return None
    module = ".".join(c.place.path.relative_to(package.parent).with_suffix("").parts)
    above = ws.relative_to(package.parent, facts.cwd)
    cd = "" if above == "." else f"cd {above} && "
    return Finding(
        f"{ws.relative_to(c.place.path, root)} is inside the package '{m['top']}', but run as a script Python looks "
        f"for modules in the script's own folder ({ws.relative_to(c.place.path.parent, root)}/), not the folder "
        f"above it, so `{m['top']}` is not found. Run it as a module from the folder that holds {m['top']}/: "
        f"{cd}python -m {module}",
        c.place,
    )


def relative_import(facts: Facts) -> Finding | None:
    c = crash(facts)
    if c is None or "attempted relative import with no known parent package" not in c.detail:
        return None
    place, text = c.place, c.text
    code = line_of(text, place.line) or ""
    m = re.match(r"(?P<indent>\s*)from\s+(?P<dots>\.+)(?P<module>[\w.]*)\s+import\s+(?P<names>.+)", code)
    if m is None:
        return None
    root = facts.root.resolve()
    package = place.path.parent
    parts = [place.path.stem]
    while (package / "__init__.py").is_file() and package != root:
        parts.insert(0, package.name)
        package = package.parent
    if len(parts) > 1:
        dotted = ".".join(parts)
        where_from = ws.relative_to(package, facts.cwd)
        cd = "" if where_from == "." else f"cd {where_from} && "
        return Finding(
            f"{ws.relative_to(place.path, facts.root)} is part of a package, and run as a script it has no package, "
            f"so the relative import on line {place.line} cannot work. Run it as a module from the project's top "
            f"folder: {cd}python -m {dotted}",
            place,
        )
    if len(m["dots"]) != 1:
        return None
    new = f"{m['indent']}from {m['module']} import {m['names']}"
    message = (
        f"{place.path.name} is run as a script, not as part of a package, so `from .{m['module']}` has no package to "
        f"be relative to. {m['module']} is next to it: use an absolute import, {new.strip()}"
    )
    exists = (place.path.parent / (m["module"].replace(".", "/") + ".py")).is_file()
    exists = exists or (place.path.parent / m["module"].replace(".", "/") / "__init__.py").is_file()
    if not exists:
        return None
    return proposed(message, place, text, replace_line(text, place.line, new), "absolute import")


def pickle_end(facts: Facts) -> Finding | None:
    c = crash(facts)
    if c is None or c.kind != "EOFError" or "Ran out of input" not in c.detail:
        return None
    place, text = c.place, c.text
    lines = text.splitlines()
    handle = re.search(r"(?:pickle|dill|joblib)\.load\(\s*(?P<f>\w+)", lines[place.line - 1])
    made_empty = _created_empty(text, facts)
    if made_empty is not None:
        n, name = made_empty
        return Finding(
            f"Line {n} creates {name} empty (open(..., 'wb').close() writes nothing), so pickle.load on line "
            f"{place.line} has nothing to read: when you create it, pickle.dump a starting value into it.",
            ws.Place(place.path, n),
        )
    for n in range(place.line, 0, -1):
        opened = OPEN.search(lines[n - 1])
        if opened is None:
            continue
        target = facts.cwd / opened["path"]
        if target.is_file() and target.stat().st_size == 0:
            return Finding(
                f"{opened['path']} is empty (0 bytes), so pickle.load on line {place.line} has nothing to read: "
                "nothing was ever saved into it. Create it with pickle.dump first (or point to the real file).",
                place,
            )
        dumped = handle and any(
            re.search(rf"pickle\.dump\([^)]*\b{handle['f']}\s*\)", lines[k - 1]) for k in range(n, place.line)
        )
        if dumped and handle:
            f = handle["f"]
            indent = lines[place.line - 1][: len(lines[place.line - 1]) - len(lines[place.line - 1].lstrip())]
            message = (
                f"pickle.dump left {f}'s position at the end of the file, so pickle.load on line {place.line} starts "
                f"there and finds nothing: call {f}.seek(0) before loading (or reopen the file to read it)."
            )
            patched = "\n".join([*lines[: place.line - 1], f"{indent}{f}.seek(0)", *lines[place.line - 1 :]]) + "\n"
            return proposed(message, place, text, patched, f"{f}.seek(0)")
        return None
    return None


def _created_empty(text: str, facts: Facts) -> tuple[int, str] | None:
    """The one line that creates a file empty, open(NAME, 'wb').close(), for a file that is empty now."""
    names = dict(re.findall(r"""^(\w+)\s*=\s*["']([^"']+)["']""", text, re.M))
    hits = []
    for n, line in enumerate(text.splitlines(), 1):
        m = re.search(
            r"""open\(\s*(?:(?P<q>["'])(?P<lit>[^"']+)(?P=q)|(?P<var>\w+))\s*,\s*["']wb?["']\s*\)\.close\(\)""", line
        )
        name = (m["lit"] or names.get(m["var"] or "")) if m else None
        if name and (facts.cwd / name).is_file() and (facts.cwd / name).stat().st_size == 0:
            hits.append((n, name))
    return hits[0] if len(hits) == 1 else None


def wrong_mode(facts: Facts) -> Finding | None:
    found = re.search(
        r"UnsupportedOperation: (?:not (?P<what>readable|writable)|(?P<op>read|write)$)", facts.output, re.M
    )
    where = frames(facts)
    if found is None or not where:
        return None
    wants = "read" if found["what"] == "readable" or found["op"] == "read" else "write"
    place = where[-1]
    text = facts.read(place.path) or ""
    code = line_of(text, place.line) or ""
    var = re.search(r"(?P<v>\w+)\s*[.)]", code) or re.search(r"\bin\s+(?P<v>\w+)\s*:", code)
    if var is None:
        return None
    lines = text.splitlines()
    handles = {var["v"], *re.findall(r"\((\w+)\)", code), *re.findall(r"\bin\s+(\w+)\s*:", code)}
    handles |= set(re.findall(r"(\w+)\.(?:read|write|readline|readlines|writelines)\(", code))
    for line in lines[: place.line]:  # a wrapper made from the file: writer = csv.writer(f)
        wrapped = re.match(r"\s*(?P<v>\w+)\s*=\s*[\w.]+\(\s*(?P<f>\w+)\s*[,)]", line)
        if wrapped and wrapped["v"] in handles:
            handles.add(wrapped["f"])
    for n in range(place.line, 0, -1):
        opened = re.search(
            r"(?:(?P<a>\w+)\s*=\s*|with\s+)" + OPEN.pattern + r"[^)]*\)(?:\s+as\s+(?P<b>\w+))?", lines[n - 1]
        )
        if opened is None or not ({opened["a"], opened["b"]} & handles):
            continue
        mode = opened["mode"] or "r"
        kind = {"a": "append", "w": "write", "r": "read"}.get(mode[0], mode)
        instead = (
            "'r' to read it, or 'a+' / 'r+' to read and write" if wants == "read" else "'w' to write (or 'a' to add)"
        )
        if "b" in mode:  # binary: the same modes with b, and w+b / r+b to write and read back
            instead = "'rb' to read it, or 'wb+' / 'r+b' to write and read back" if wants == "read" else "'wb' to write"
        return Finding(
            f"{opened['path']} is opened on line {n} with mode '{mode}' ({kind} only), and line {place.line} tries to "
            f"{wants} it. Open it with {instead}.",
            ws.Place(place.path, n),
        )
    return None


def encoding(facts: Facts) -> Finding | None:
    found = error(facts.output)
    where = frames(facts)
    m = (
        re.search(r"'utf-8' codec can't decode byte (?P<byte>0x[0-9a-f]{2}) in position (?P<pos>\d+)", found[1])
        if found
        else None
    )
    if m is None or not where:
        return None
    for place in reversed(where):
        text = facts.read(place.path) or ""
        lines = text.splitlines()
        for n in range(place.line, 0, -1):
            opened = OPEN.search(lines[n - 1])
            if opened is None or "b" in (opened["mode"] or ""):
                continue
            target = facts.cwd / opened["path"]
            if not target.is_file():
                return None
            data = target.read_bytes()
            wide = _utf16(data)
            if wide is not None:
                return _encoded(opened, text, place, n, wide, "it is UTF-16 text (every other byte is NUL, or it "
                                "starts with a UTF-16 byte-order mark)")  # fmt: skip
            if _controls(data):
                return Finding(
                    f"{opened['path']} is not text: it holds binary data (control bytes such as NUL), so reading "
                    f"it as 'utf-8' text on line {n} fails at byte {m['byte']}. Open it in binary mode, open("
                    f"'{opened['path']}', 'rb'), and work with the bytes.",
                    ws.Place(place.path, n),
                )
            if not _looks_like_text(target, data):
                return None  # not a known text format: nothing shows which encoding it is in
            name = "cp1252" if any(0x80 <= b <= 0x9F for b in data) else "latin-1"
            try:
                shown = data[int(m["pos"]) : int(m["pos"]) + 1].decode(name)
                data.decode(name)
            except (UnicodeDecodeError, IndexError):
                return None
            message = (
                f"{opened['path']} is not UTF-8: byte {m['byte']} at position {m['pos']} is '{shown}' in {name}, "
                f"which decodes the whole file. Open it with encoding='{name}' (line {n})."
            )
            call = opened.group(0)
            new_call = call + f", encoding='{name}'"
            patched = replace_line(text, n, lines[n - 1].replace(call, new_call, 1))
            return proposed(message, ws.Place(place.path, n), text, patched, f"encoding='{name}'")
    return None


def _encoded(opened: re.Match[str], text: str, place: ws.Place, n: int, name: str, why: str) -> Finding:
    call = opened.group(0)
    patched = replace_line(text, n, text.splitlines()[n - 1].replace(call, call + f", encoding='{name}'", 1))
    message = f"{opened['path']} is not UTF-8: {why}. Open it with encoding='{name}' (line {n})."
    return proposed(message, ws.Place(place.path, n), text, patched, f"encoding='{name}'")


def _utf16(data: bytes) -> str | None:
    """'utf-16' when the bytes are UTF-16 text: a byte-order mark, or ASCII text with a NUL after each letter."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    head = data[:4096]
    if len(head) >= 8 and head[1::2].count(0) > 0.9 * len(head[1::2]) and head[0::2].count(0) == 0:
        try:
            head[: len(head) // 2 * 2].decode("utf-16-le")
        except UnicodeDecodeError:
            return None
        return "utf-16-le"
    return None


TEXT_SUFFIXES = {"", ".csv", ".tsv", ".txt", ".json", ".md", ".log", ".ini", ".cfg", ".xml", ".html", ".yaml", ".yml"}


def _looks_like_text(path: Path, data: bytes) -> bool:
    """Text in a legacy encoding: a text-like name, and no NULs or control bytes besides tab and line ends."""
    return path.suffix.lower() in TEXT_SUFFIXES and not _controls(data)


def _controls(data: bytes) -> bool:
    """NULs or control bytes besides tab and line ends: binary data, in no text encoding."""
    return any(b < 0x20 and b not in (9, 10, 12, 13) for b in data[:65536])


def windows_path(facts: Facts) -> Finding | None:
    found = error(facts.output)
    if found is None or "'unicodeescape' codec can't decode" not in found[1]:
        return None
    m = re.search(r'File "(?P<file>[^"]+)", line (?P<line>\d+)', facts.output.split("SyntaxError")[0][-2000:])
    if m is None:
        return None
    path = (facts.cwd / m["file"]).resolve()
    text = facts.read(path) or ""
    code = line_of(text, int(m["line"])) or ""
    literal = re.search(r"""(?<![rR\w])(?P<q>['"])(?P<body>[A-Za-z]:\\[^'"]*)(?P=q)""", code)
    if literal is None:
        return None
    place = ws.Place(path, int(m["line"]))
    message = (
        f"In the string {literal.group(0)} on line {place.line}, backslashes start escapes ('\\U' asks for a unicode "
        "character). Write the Windows path as a raw string, r'C:\\...', or with forward slashes."
    )
    patched = replace_line(text, place.line, code[: literal.start()] + "r" + code[literal.start() :])
    return proposed(message, place, text, patched, "raw string")


# right on 0 of the 1 unseen cases it spoke on (probation.py)
@on_probation("where the path was put together")
def tilde(facts: Facts) -> Finding | None:
    found = error(facts.output)
    where = frames(facts)
    m = re.search(r"No such file or directory: '(?P<path>~[^']*)'", found[1]) if found else None
    var = re.search(
        r"No such file or directory: '(?P<path>[^']*?(?P<var>\$\{?\w+\}?|%\w+%)[^']*)'", found[1] if found else ""
    )
    if var is not None and where:
        return Finding(
            f"Python does not expand {var['var']} in paths (only the shell does), so it looked for {var['path']} "
            "with those characters in it. Expand it first: os.path.expandvars(path), or build the path from "
            "os.environ[...] (Path.home() for $HOME).",
            written_at(facts, where[-1], var["path"]),
        )
    if m is None or not where:
        return None
    return Finding(
        f"Python does not expand ~ in paths (only the shell does), so it looked for a folder literally named '~' "
        f"for {m['path']}. Expand it first: os.path.expanduser(path) or Path(path).expanduser().",
        written_at(facts, where[-1], m["path"]),
    )


DETECTORS: list[Callable[[Facts], Finding | None]] = [
    package_run_as_script,
    relative_import,
    pickle_end,
    wrong_mode,
    encoding,
    windows_path,
    tilde,
    py_connections.refused,
    py_cycles.circular,
    py_cycles.circular_import,
    py_connections.sqlite_thread,
    py_connections.private_ca,
]


def advise(facts: Facts) -> Finding | None:
    return first_finding(DETECTORS, facts, also=("SyntaxError",))
