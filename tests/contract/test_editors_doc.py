"""docs/editors.md documents the livepair/* protocol for other editors: every method, command and payload shape of
server/livepair/lsp/protocol.py is in it, each TypedDict as one line generated here from its fields."""

from __future__ import annotations

import re
from typing import Any, is_typeddict

from livepair.lsp import protocol
from tests.e2e.tools import ROOT

DOC = ROOT / "docs" / "editors.md"


def shape(kind: Any) -> str:
    """`Name { field: type, optional?: type }` from a TypedDict's own annotations (as written in protocol.py)."""
    fields = []
    for name, annotation in kind.__annotations__.items():
        text = getattr(annotation, "__forward_arg__", annotation)  # protocol.py postpones its annotations
        text = str(text).replace("'", '"')
        optional = re.fullmatch(r"NotRequired\[(.*)\]", text)
        fields.append(f"{name}?: {optional.group(1)}" if optional else f"{name}: {text}")
    return f"{kind.__name__} {{ {', '.join(fields)} }}"


def shapes() -> list[str]:
    return [shape(v) for v in vars(protocol).values() if is_typeddict(v) and v.__module__ == protocol.__name__]


def test_every_payload_shape_is_documented() -> None:
    doc = DOC.read_text()
    missing = [line for line in shapes() if line not in doc]
    assert not missing, "docs/editors.md lacks (or has stale) shapes; paste these lines:\n" + "\n".join(missing)


def test_every_method_and_command_is_documented() -> None:
    doc = DOC.read_text()
    names = [
        value
        for name, value in vars(protocol).items()
        if name.isupper() and isinstance(value, str) and value.startswith("livepair")
    ]
    missing = [n for n in names if f"`{n}`" not in doc]
    assert names and not missing, f"docs/editors.md does not name: {missing}"
