"""Is a proposed fix safe to offer? The patched file must parse and may not use a name that nothing defines.

Shared by every source of quick fixes (the offline advisor's, the model's): a fix that fails is not offered, and
the reason says why. pyflakes compares the patched text with the original, so a file that already had an undefined
name is judged only on what the fix adds.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pyflakes import checker, messages

from livepair import pyast

UNDEFINED = (messages.UndefinedName, messages.UndefinedLocal, messages.UndefinedExport)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""  # why not (or what was not checked), for the user


def patch_lines(text: str, start_line: int, end_line: int, new_text: str) -> str:
    """`text` with whole lines start_line..end_line (1-based, inclusive) replaced by `new_text`."""
    lines = text.splitlines(keepends=True)
    if not new_text.endswith("\n"):
        new_text += "\n"
    return "".join(lines[: start_line - 1]) + new_text + "".join(lines[end_line:])


def check_fix(path_or_name: str | Path, original_text: str, patched_text: str) -> Verdict:
    """Judge a fix of one file. Only Python is checked; other files pass with the reason saying so."""
    name = str(path_or_name)
    if patched_text == original_text:
        return Verdict(False, "the fix changes nothing")
    if not name.endswith((".py", ".pyw")):
        return Verdict(True, "not Python: not checked")
    try:
        patched = pyast.parse(patched_text, filename=name)
    except SyntaxError as exc:
        return Verdict(False, f"the fixed file would not parse ({exc.msg}, line {exc.lineno})")
    added = _undefined_in(patched, name) - _undefined(original_text, name)
    if added:
        names = ", ".join(f"'{n}'" for n in sorted(added))
        return Verdict(False, f"the fix would use {names}, which nothing in the file defines")
    return Verdict(True)


def _undefined(text: str, name: str) -> Counter[str]:
    try:
        return _undefined_in(pyast.parse(text, filename=name), name)
    except SyntaxError:
        return Counter()  # the original did not parse: every undefined name in the patch counts


def _undefined_in(tree: ast.Module, name: str) -> Counter[str]:
    found = checker.Checker(tree, filename=name)
    return Counter(str(m.message_args[0]) for m in found.messages if isinstance(m, UNDEFINED))
