"""docs/architecture.md is the map of the tree: every module of server/livepair and extension/src has a row, each
row sits in its package's block, and no row names a module that is gone."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.tools import ROOT

DOC = ROOT / "docs" / "architecture.md"
PACKAGE = ROOT / "server" / "livepair"
EXTENSION = ROOT / "extension" / "src"
# Package markers need no row; one that grows code does (the top-level one holds only `__version__`).
MARKER_MAX_BYTES = 200


def section(doc: str, heading: str) -> str:
    start = doc.index(f"\n## {heading}")
    end = doc.find("\n## ", start + 1)
    return doc[start : end if end != -1 else len(doc)]


def rows(text: str) -> list[tuple[list[str], str]]:
    """Each table row as (the backticked names of its first cell, the whole row)."""
    found = []
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("| ---"):
            first = line.split("|")[1]
            found.append((re.findall(r"`([^`]+)`", first), line))
    return found


def python_modules() -> list[str]:
    out = []
    for file in sorted(PACKAGE.rglob("*.py")):
        rel = file.relative_to(PACKAGE).as_posix()
        if file.name == "__init__.py" and file.stat().st_size <= MARKER_MAX_BYTES:
            continue  # a package marker; one with code needs a row like any module
        out.append(rel)
    return out


def python_rows() -> list[tuple[str | None, list[str], str]]:
    """(the block the row sits in: a package like `lsp/`, or None for the top level; first-cell names; row)."""
    block: str | None = None
    out = []
    for names, line in rows(section(DOC.read_text(), "Modules")):
        header = re.match(r"\| \*\*(?:`([^`]+)`|top level)\*\*", line)
        if header:
            block = header.group(1)
            continue
        out.append((block, names, line))
    return out


def covers(names: list[str], line: str, module: str) -> bool:
    if module in names:
        return True
    # A folder row (`backends/offline/`) names its modules by file name anywhere in the row.
    folder, _, name = module.rpartition("/")
    return f"{folder}/" in names and f"`{name}`" in line


def test_every_python_module_has_a_row() -> None:
    table = python_rows()
    missing = [m for m in python_modules() if not any(covers(names, line, m) for _, names, line in table)]
    assert not missing, f"docs/architecture.md has no row for: {missing}"


def test_every_row_sits_in_its_package_block_and_names_real_modules() -> None:
    wrong = []
    for block, names, _line in python_rows():
        for name in names:
            if not (PACKAGE / name).exists():
                wrong.append(f"{name}: no such module")
            elif ("/" in name.rstrip("/")) != (block is not None) or (block and not name.startswith(block)):
                wrong.append(f"{name}: in the block of {block or 'the top level'}")
    assert not wrong, "docs/architecture.md, module table: " + "; ".join(wrong)


def test_every_extension_module_has_a_row() -> None:
    table = rows(section(DOC.read_text(), "The extension"))
    named = {name for names, _ in table for name in names}
    modules = {f.name for f in EXTENSION.rglob("*.ts")}
    assert not modules - named, f"docs/architecture.md has no row for: {sorted(modules - named)}"
    assert not {n for n in named if n.endswith(".ts")} - modules, "rows for modules that are gone"


def test_the_map_test_sees_a_missing_row(tmp_path: Path) -> None:
    """Guard against a parser that matches nothing: the real rows are found, and a removed one is noticed."""
    table = python_rows()
    assert any(covers(names, line, "lsp/server.py") for _, names, line in table)
    assert any(covers(names, line, "backends/offline/advisor.py") for _, names, line in table)
    without = [(b, n, line) for b, n, line in table if "`session/meter.py`" not in line]
    assert not any(covers(names, line, "session/meter.py") for _, names, line in without)
