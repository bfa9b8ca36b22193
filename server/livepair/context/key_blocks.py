"""Private keys as a stream: every line of a PEM, OpenSSH or PuTTY key body is secret, whether or not its BEGIN
line is in view, JSON-escaped (`\\n` inside a string) or cut anywhere.

The text is split into physical lines at real and escaped newlines; an excerpt gutter (`   12| `), a `grep -n`
prefix, quotes and string concatenation are peeled off, and a line that is then pure base64 is a body candidate.
A run of consecutive candidates is a key body when
  - a private-key marker borders it (BEGIN/END ... PRIVATE KEY, even cut short; PuTTY's `Private-Lines:` /
    `Private-MAC:`), a few header lines (`Proc-Type:`, `Comment:`...) allowed in between; or
  - it spans two lines or more (80+ characters) and holds a line of 40+ characters that decodes to binary
    rather than text (PEM, OpenSSH and PuTTY wrap at 64-70): base64 of ordinary text is never taken, a
    certificate or public key body is taken only when its BEGIN line is out of view (callers that have the whole
    document pass it, see Redactor.redact_document); or
  - its first line is the start of a DER private key (a SEQUENCE whose first element is an INTEGER version), e.g.
    a one-line base64 key in an environment variable.
"""

from __future__ import annotations

import base64
import binascii
import re

_BREAK = re.compile(r"\r?\n|\\r\\n|\\n|\\\\n|\\\\r\\\\n")
# a gutter (`   12| `, `12:`), a grep hit's `path:12:`, quotes, concatenation and brackets around a string part
_HEAD = re.compile(r"""(?:[ \t]*\d+[ \t]*[|│:][ \t]?|[^\s:|]+:\d+:[ \t]?)?[\s"'`+,(\[{]*""")
_TAIL = " \t\r\"'`+,;)]}\\"
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_BEGIN_PRIVATE = re.compile(
    r"-{3,5}BEGIN[A-Z0-9 ]*PRIVATE KEY|(?:ATE|^) KEY(?: BLOCK)?-{1,5}$|PuTTY-User-Key-File-\d|Private-Lines: ?\d"
    # the headers of an encrypted PEM private key, anywhere in the line, even cut short (`EK-Info: AES-256-CBC,9F..`)
    r"|Proc-Type: 4,|DEK-Info: |CBC,[0-9A-F]{16}"
)
_END_PRIVATE = re.compile(r"-{1,5}END[A-Z0-9 ]*PRIVATE|^-{1,5}END|^-{1,5}(?:EN?)?$|^Private-MAC:")  # maybe cut
_PUBLIC_BEGIN = re.compile(r"-----BEGIN (?!.*PRIVATE)[A-Z0-9 ]+-----")  # certificates, public keys, CSRs
_HEADER = re.compile(r"^(?:[A-Za-z-]+: ?.*)?$")  # `Proc-Type: 4,ENCRYPTED`, `Comment: ...`, a blank line
# the base64 end of a line that starts with code (`KEY = """MIIEv...`) when the key body follows on the next lines
_TRAILING = re.compile(r"""(?<=["'`=(\[,: ])[A-Za-z0-9+/]+={0,2}$""")
# without a run this long or a marker there is no key body (ordinary code skips all the work)
_HINT = re.compile(r"[A-Za-z0-9+/]{40}")
_MARKERS = ("KEY-----", "-----END", "PuTTY-User-Key", "Private-", "Proc-Type:", "Info: ", "CBC,")


def _lines(text: str) -> list[tuple[int, int]]:
    """Spans of the physical lines, split at real and escaped newlines."""
    spans, at = [], 0
    for m in _BREAK.finditer(text):
        spans.append((at, m.start()))
        at = m.end()
    spans.append((at, len(text)))
    return spans


def _core(text: str, start: int, end: int) -> tuple[int, int]:
    """The line's content without gutter, quotes and punctuation around it."""
    head = _HEAD.match(text, start, end)
    s = head.end() if head else start
    body = text[s:end].rstrip(_TAIL)
    body = body.removesuffix("...").removesuffix("…").rstrip(_TAIL)
    return s, s + len(body)


def _binary(line: str) -> bool:
    """Whether base64 decodes to bytes that are not text at every alignment (a cut line may start anywhere)."""
    if re.fullmatch(r"[0-9a-fA-F]+", line) or not (re.search(r"[A-Z]", line) and re.search(r"[a-z]", line)):
        return False  # hex digests and single-case words are not key material
    for shift in range(4):
        chunk = line[shift:].rstrip("=")
        chunk = chunk[: len(chunk) // 4 * 4]
        try:
            raw = base64.b64decode(chunk)
        except (binascii.Error, ValueError):
            continue
        printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in raw)
        if raw and printable >= 0.9 * len(raw):
            return False  # text at some alignment: base64 of ordinary data
    return True


def _der_private(line: str) -> bool:
    """Whether the line starts a DER private key: SEQUENCE, length, INTEGER (certificates nest a SEQUENCE)."""
    try:
        raw = base64.b64decode(line[:24])
    except (binascii.Error, ValueError):
        return False
    if len(raw) < 6 or raw[0] != 0x30:
        return False
    skip = 2 + (raw[1] & 0x7F if raw[1] & 0x80 else 0)
    return raw[skip : skip + 1] == b"\x02"


def key_spans(text: str) -> list[tuple[int, int]]:
    """Spans of private key bodies (from the first body line's content to the last's), markers not included."""
    if not (_HINT.search(text) or any(marker in text for marker in _MARKERS)):
        return []
    kinds: list[str] = []  # per physical line: "b" body candidate, "p" private marker, "e" end, "u" public, "h"
    cores: list[tuple[int, int]] = []
    for start, end in _lines(text):
        s, e = _core(text, start, end)
        body = text[s:e]
        cores.append((s, e))
        if body and _BASE64.fullmatch(body):
            kinds.append("b")
        elif _END_PRIVATE.search(body):
            kinds.append("e")
        elif _BEGIN_PRIVATE.search(body):
            kinds.append("p")
        elif _PUBLIC_BEGIN.search(body):
            kinds.append("u")
        elif _HEADER.match(body):
            kinds.append("h")
        else:
            kinds.append("o")
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(kinds):
        if kinds[i] != "b":
            i += 1
            continue
        j = i
        while j < len(kinds) and kinds[j] == "b":
            j += 1
        # a window that began mid-body right after an opening quote (`KEY = """MIIEv...`): that piece is body too
        lead = _TRAILING.search(text, *cores[i - 1]) if i and kinds[i - 1] == "o" else None
        if _is_key(text, kinds, cores, i, j, lead[0] if lead else ""):
            out.append((lead.start() if lead else cores[i][0], cores[j - 1][1]))
        i = j
    return out


def _border(kinds: list[str], at: int, step: int) -> str:
    """The first marker (p, e, u) reached from `at` over at most 4 header lines, else ""."""
    for _ in range(5):
        if not 0 <= at < len(kinds):
            return ""
        if kinds[at] in "peu":
            return kinds[at]
        if kinds[at] != "h":
            return ""
        at += step
    return ""


def _is_key(text: str, kinds: list[str], cores: list[tuple[int, int]], i: int, j: int, lead: str) -> bool:
    before, after = _border(kinds, i - 1, -1), _border(kinds, j, 1)
    if before == "p" or (after == "e" and before != "u"):
        return True
    if before == "u":
        return False  # a certificate or public key in full view
    lines = [*([lead] if lead else []), *(text[s:e] for s, e in cores[i:j])]
    if _der_private(lines[0]) and len(lines[0]) >= 40:
        return True
    return len(lines) >= 2 and sum(map(len, lines)) >= 80 and any(len(line) >= 40 and _binary(line) for line in lines)
