"""One way to parse Python source in the daemon: serialised, because CPython 3.11 keeps the AST conversion's
recursion depth per interpreter, so two threads parsing at once (the offline advisor, the fix checker, a re-run's
verdict) can fail with a spurious `SystemError: AST constructor recursion depth mismatch` (CPython gh-106905)."""

from __future__ import annotations

import ast
import threading

_PARSING = threading.Lock()


def parse(source: str, filename: str = "<unknown>") -> ast.Module:
    """`ast.parse`, one at a time in this process; raises what it raises (SyntaxError, ValueError for NUL bytes)."""
    try:
        with _PARSING:
            return ast.parse(source, filename=filename)
    except SystemError:  # a parse outside this lock (a library's) can still collide with ours once: try again
        with _PARSING:
            return ast.parse(source, filename=filename)
