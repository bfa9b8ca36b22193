"""What an approval prompt shows: exactly what runs, with nothing hidden, in one place for every editor.

The extension mirrors these rules in `extension/src/common/approvalText.ts` (both are tested against the same vectors
in `extension/test/unit/approvalVectors.json`); plain LSP clients and Neovim get `render()`'s text as is.

- `visible()`: every character that could hide or disguise what runs is escaped, Python-style, so the shown text
  decodes back to exactly the bytes that run (`decode()`): a backslash becomes `\\\\`; tab, carriage return and (for
  one-line fields) newline become `\\t`, `\\r`, `\\n`; controls, bidi overrides, zero-width and other format characters,
  unassigned and private-use code points, line/paragraph separators, non-ASCII spaces and blank-looking letters
  become `\\xHH`, `\\uHHHH` or `\\UHHHHHHHH`. A snippet keeps its real line breaks and is shown whole
  (scrollable), never cut: every line shown is a line that runs.
- `warnings()`: a command of more than one line, hidden characters (counted by kind), blank-line runs that push code
  out of sight, and very long lines.
- the model's reason is quoted and labelled as the model's unchecked words, never as LivePair's heading.
"""

from __future__ import annotations

import re
import unicodedata

from livepair.model import CommandApproval

HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp", "Zs"})
# Not format characters, yet drawn as nothing or as a blank: combining grapheme joiner, Hangul fillers, Khmer
# inherent vowels, Mongolian separator, braille blank, variation selectors.
BLANK_LOOKING = (
    frozenset([0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x2800, 0x3164, 0xFFA0])
    | frozenset(range(0xFE00, 0xFE10))
    | frozenset(range(0xE0100, 0xE01F0))
)
BIDI = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
ZERO_WIDTH = frozenset([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF])
NAMED = {"\\": "\\\\", "\t": "\\t", "\r": "\\r", "\n": "\\n"}
BLANK_RUN = 3  # this many blank lines in a row hide what follows below the fold
LONG_LINE = 200
REASON_LABEL = "The senior dev says"
REASON_NOTE = "(the model's own words, not checked by LivePair)"


def is_hidden(char: str) -> bool:
    """Would this character, shown as is, hide or disguise what runs? (ASCII space and newline are plain.)"""
    if char in "\n ":
        return False
    code = ord(char)
    return code in BLANK_LOOKING or unicodedata.category(char) in HIDDEN_CATEGORIES


def _escape(char: str) -> str:
    if char in NAMED:
        return NAMED[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: str, *, multiline: bool = False) -> str:
    """The text with every hidden character escaped; real newlines kept only where `multiline` (a snippet)."""
    out = []
    for char in text:
        if char == "\n" and multiline:
            out.append(char)
        elif char == "\\" or char in NAMED or is_hidden(char):
            out.append(_escape(char))
        else:
            out.append(char)
    return "".join(out)


_ESCAPE = re.compile(r"\\(\\|t|r|n|x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})")
_UNNAMED = {"\\": "\\", "t": "\t", "r": "\r", "n": "\n"}


def decode(shown: str) -> str:
    """The exact text a `visible()` rendering stands for."""

    def one(match: re.Match[str]) -> str:
        body = match.group(1)
        return _UNNAMED[body] if body in _UNNAMED else chr(int(body[1:], 16))

    return _ESCAPE.sub(one, shown)


def _hidden_kinds(text: str) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for char in text:
        if char in "\n\t" or not is_hidden(char):
            continue
        code = ord(char)
        kind = (
            "bidi"
            if code in BIDI
            else "zero-width"
            if code in ZERO_WIDTH
            else "control"
            if unicodedata.category(char) == "Cc"
            else "invisible or look-alike"
        )
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def _looks_blank(line: str) -> bool:
    return all(char in " \t\r\f\v" or is_hidden(char) for char in line)


def warnings(text: str, *, multiline: bool) -> list[str]:
    """What the user should look at twice before allowing `text` (a command line, or a snippet if multiline)."""
    found = []
    lines = text.split("\n")
    if not multiline and len(lines) > 1:
        found.append(f"This command is {len(lines)} lines, shown joined with \\n: every line runs.")
    kinds = _hidden_kinds(text)
    if kinds:
        counted = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        found.append(f"Hidden characters, shown escaped (\\u…, \\x…): {counted}.")
    if multiline:
        blank = 0
        for number, line in enumerate(lines, 1):
            if _looks_blank(line):
                blank += 1
                continue
            if blank >= BLANK_RUN and number > blank + 1:
                found.append(f"{blank} blank lines before line {number}: scroll, the code goes on.")
            blank = 0
    long_lines = [n for n, line in enumerate(lines, 1) if len(line) > LONG_LINE]
    if long_lines:
        found.append(f"Line {long_lines[0]} is longer than {LONG_LINE} characters: scroll sideways.")
    return found


def reason_line(reason: str) -> str:
    """The model's reason, on one line, escaped and quoted (its quote marks too): never mistaken for LivePair's."""
    text = reason.strip()
    if not text:
        return ""
    shown = visible(text).replace("\u201c", "\\u201c").replace("\u201d", "\\u201d")
    return f"{REASON_LABEL}: \u201c{shown}\u201d {REASON_NOTE}"


def approval_warnings(request: CommandApproval) -> list[str]:
    if request.kind == "python":
        return warnings(request.code, multiline=True)
    return warnings(request.command, multiline=False) + warnings(request.cwd, multiline=False)


def render(request: CommandApproval, title: str) -> str:
    """The whole prompt as plain text (plain LSP clients, Neovim): heading, warnings, what runs, bounds, reason."""
    parts = [f"{title}:"]
    parts += [f"\u26a0 {w}" for w in approval_warnings(request)]
    if request.kind == "python":
        numbered = visible(request.code.removesuffix("\n"), multiline=True).split("\n")
        width = len(str(len(numbered)))
        parts += [f"{n:>{width}} | {line}" for n, line in enumerate(numbered, 1)]
        parts.append(f"({visible(request.command)})")
        parts += [f"  {line}" for line in request.isolation]
    else:
        parts += [f"$ {visible(request.command)}", f"in {visible(request.cwd)}"]
    said = reason_line(request.reason)
    return "\n".join(parts + ([said] if said else []))


def withdrawn(request: CommandApproval, why: str) -> str:
    """For a prompt that cannot be closed from here: the request is void and a late answer does nothing."""
    what = "the Python code" if request.kind == "python" else f"`{visible(request.command)}`"
    return f"Withdrawn ({why}): the request to run {what}. Nothing will run; an answer to that prompt is ignored."
