"""A Node core API used against its contract, which its error names only by a code: rmdir of a folder that still
holds files, exec's output past its buffer, and a cipher key of the wrong length (traced to the variable and the
.env line it came from; its value is never said, only its length).
"""

from __future__ import annotations

import re
from pathlib import Path

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding, headline

KEY_BYTES = {"aes-128": 16, "aes128": 16, "aes-192": 24, "aes192": 24, "aes-256": 32, "aes256": 32, "chacha20": 32}
CIPHER = re.compile(r"createCipheriv\(\s*['\"](?P<alg>[\w-]+)['\"]\s*,\s*(?P<key>[\w$]+)")


def advise(kind: str, code: str, msg: str, where: ws.Place | None, facts: Facts, command: str) -> Finding | None:
    if code == "ENOTEMPTY" or msg.startswith("ENOTEMPTY"):
        return _not_empty(msg, where, facts)
    if code == "ERR_CHILD_PROCESS_STDIO_MAXBUFFER":
        return _max_buffer(where)
    if code == "ERR_CRYPTO_INVALID_KEYLEN" or msg == "Invalid key length":
        return _key_length(where, facts)
    return None


def lines_of(place: ws.Place | None) -> list[str]:
    try:
        return place.path.read_text().splitlines() if place is not None else []
    except OSError:
        return []


def _not_empty(msg: str, where: ws.Place | None, facts: Facts) -> Finding | None:
    m = re.search(r"ENOTEMPTY: directory not empty, rmdir '(?P<dir>[^']+)'", msg)
    if m is None or where is None:
        return None
    folder = facts.cwd / m["dir"]
    held = sorted(p.name for p in folder.iterdir())[:3] if folder.is_dir() else []
    holds = f" ({', '.join(held)})" if held else ""
    return Finding(
        f"rmdir removes only an empty folder, and {m['dir']} still holds files{holds} when line {where.line} runs. "
        f"To remove it with everything in it: fs.rmSync('{m['dir']}', {{ recursive: true }}); or remove those "
        "files first.",
        where,
        headline=headline("rmdir needs an empty folder"),
    )


def _max_buffer(where: ws.Place | None) -> Finding | None:
    lines = lines_of(where)
    calls = [n for n, line in enumerate(lines, 1) if re.search(r"\bexec(?:File)?\(", line)]
    if where is None or len(calls) != 1:
        return None
    return Finding(
        "exec() keeps all the child's output in memory, up to maxBuffer (1 MB by default), and this child printed "
        "more, so Node stopped it. Raise it, exec(command, { maxBuffer: 64 * 1024 * 1024 }, callback), or read the "
        "output as it comes with spawn().",
        ws.Place(where.path, calls[0]),
        headline=headline("the output passed exec's maxBuffer"),
    )


def _key_length(where: ws.Place | None, facts: Facts) -> Finding | None:
    lines = lines_of(where)
    line = lines[where.line - 1] if where is not None and 0 < where.line <= len(lines) else ""
    m = CIPHER.search(line)
    need = next((n for alg, n in KEY_BYTES.items() if m and m["alg"].lower().startswith(alg)), None)
    if m is None or need is None or where is None:
        return None
    name = m["key"]
    made = next(
        (s for s in lines if re.search(rf"\b(?:const|let|var)\s+{re.escape(name)}\s*=.*process\.env\.\w+", s)), ""
    )
    env = re.search(r"process\.env\.(?P<var>\w+)", made)
    found = _dotenv_line(facts.cwd / ".env", env["var"]) if env else None
    if env is None or found is None:
        return None
    place, length = found
    return Finding(
        f"{m['alg']} needs a key of exactly {need} bytes, and {name} is {env['var']} from .env (line {place.line}), "
        f"which is {length} characters. Put a {need}-byte key there (openssl rand -hex {need} gives {need * 2} hex "
        f"characters: read it with Buffer.from(..., 'hex')), or derive one from a passphrase with "
        f"crypto.scryptSync(passphrase, salt, {need}).",
        place,
        headline=headline(f"{env['var']} is not a {need}-byte key"),
    )


def _dotenv_line(path: Path, var: str) -> tuple[ws.Place, int] | None:
    """The .env line that sets `var`, and its value's length (the value itself is a secret: never said)."""
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return None
    for n, line in enumerate(lines, 1):
        m = re.match(rf"\s*(?:export\s+)?{re.escape(var)}\s*=\s*(?P<value>.*?)\s*$", line)
        if m:
            return ws.Place(path, n), len(m["value"].strip("'\""))
    return None
