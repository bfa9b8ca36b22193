"""int() or float() of text read from a data file of the workspace: the cause is a line of that file (an empty row
or cell, an empty file, a placeholder, a comment kept in a config value), not the line of code that converts it.

Speaks only when exactly one data file the program names (in its code or on its command line) shows the value.
"""

from __future__ import annotations

import ast
import re
import shlex
from pathlib import Path

from livepair.backends.offline import honest
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.probation import on_probation
from livepair.backends.offline.py_crash import crash, first_finding

VALUE = re.compile(
    r"(?:could not convert string to float|invalid literal for int\(\) with base \d+): (?P<v>'.*'|\".*\")$"
)
EMPTY_CELL = re.compile(r"^\s*$|(?:^|[,;\t])\s*(?:[,;\t]|$)")
CONFIG = re.compile(r"^\s*\[[^\]]+\]\s*$|^\s*[\w.-]+\s*[=:]", re.M)


# right on 0 of the 1 unseen cases it spoke on (probation.py)
@on_probation("whether the data or the code that reads it is wrong")
def bad_value(facts: Facts) -> Finding | None:
    c = crash(facts)
    m = VALUE.search(c.detail) if c is not None else None
    if c is None or m is None:
        return None
    try:
        value = str(ast.literal_eval(m["v"]))
    except (ValueError, SyntaxError):
        return None
    shown = [found for path in _data_files(facts, c.text) if (found := _where(path, value, facts)) is not None]
    if len(shown) != 1:
        return None  # no data file shows it, or several do: which one was read is not shown
    at, why = shown[0]
    column = _text_column(facts.read(at.path) or "", value)
    if column is not None:  # the file is consistent; the code converts a column that holds no numbers
        return honest.hint(
            f"{value!r} is in column {column[0]} of {at.path.name}, which holds text on every row ({column[1]}), so "
            f"converting it fails on line {c.place.line}",
            c.place,
            "why the code reads that column: an index off by one, or one that a function kept from a loop",
        )
    return Finding(f"{why} (the conversion fails on line {c.place.line} of {c.place.path.name}).", at)


def _text_column(text: str, value: str) -> tuple[int, str] | None:
    """(1-based column, a few of its values) when `value` sits in a delimited file's column that has no number on
    any data row: the data is as meant, the column read is not."""
    rows = [re.split(r"[,;\t]", line) for line in text.splitlines()[1:] if line.strip()]
    cells = [i for row in rows for i, cell in enumerate(row) if cell.strip() == value.strip()]
    if len(rows) < 2 or len(set(cells)) != 1 or len({len(r) for r in rows}) != 1:
        return None
    column = [row[cells[0]].strip() for row in rows]
    if any(re.fullmatch(r"[-+]?\d+(?:\.\d*)?", cell) for cell in column):
        return None
    return cells[0] + 1, ", ".join(column[:3])


def _data_files(facts: Facts, code: str) -> list[Path]:
    """Files the program names, in its string literals or on its command line, that exist and are no code."""
    try:
        words = shlex.split(facts.memo.get("command", ""))
    except ValueError:
        words = []
    names = re.findall(r"""["']([\w./-]+\.[\w]+|[\w-]+)["']""", code) + words
    found: list[Path] = []
    for name in dict.fromkeys(names):
        path = (facts.cwd / name).resolve()
        root = facts.root.resolve()
        if path.is_file() and path.suffix != ".py" and (root in path.parents) and path not in found:
            found.append(path)
    return found


def _where(path: Path, value: str, facts: Facts) -> tuple[ws.Place, str] | None:
    text = facts.read(path) or ""
    name = ws.relative_to(path, facts.cwd)
    lines = text.splitlines()
    if not value.strip():
        if not text.strip():
            return ws.Place(path, 1), f"{name} is empty, so the text read from it is '' and has no number in it: " \
                "write a first value into it (or handle an empty file before converting)"  # fmt: skip
        rows = [n for n, line in enumerate(lines, 1) if n > 1 and EMPTY_CELL.search(line)]
        if not rows:
            return None
        what = "an empty row" if not lines[rows[0] - 1].strip(" ,;\t") else "a row with an empty cell"
        trailing = " (and the rows after it: trailing empty rows)" if rows[-1] == len(lines) and len(rows) > 1 else ""
        return ws.Place(path, rows[0]), (
            f"Line {rows[0]} of {name} is {what}{trailing}, so the value read from it is '' (empty), which is no "
            "number: remove it from the file, or skip empty values before converting"
        )
    hits = [n for n, line in enumerate(lines, 1) if value.strip() in line]
    if len(hits) != 1:
        return None
    line = lines[hits[0] - 1]
    comment = re.search(r"\s[#;]", value)
    if comment and CONFIG.search(text):
        return ws.Place(path, hits[0]), (
            f"Line {hits[0]} of {name} keeps a comment after its value, and configparser reads it as part of the "
            f"value ({value!r}): move the comment to its own line, or make the parser strip it with "
            "ConfigParser(inline_comment_prefixes=('#', ';'))"
        )
    return ws.Place(path, hits[0]), (
        f"{value!r} comes from line {hits[0]} of {name} ({line.strip()!r}), and it is not a number: put the number "
        "there (it looks like a placeholder or a value of another kind)"
    )


def advise(facts: Facts) -> Finding | None:
    return first_finding([bad_value], facts)
