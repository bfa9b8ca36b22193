"""The wire payloads are the same on both sides: every TypedDict in server/livepair/lsp/protocol.py has an interface
of the same name in extension/src/common/protocol.ts with the same fields, the same optionality and the same kinds
of value (string, number, boolean, null, array, or another payload by name)."""

from __future__ import annotations

import re
import types
from typing import Any, Literal, NotRequired, Union, get_args, get_origin, get_type_hints, is_typeddict

import pytest

from livepair.lsp import protocol
from tests.e2e.tools import ROOT

PROTOCOL_TS = ROOT / "extension" / "src" / "common" / "protocol.ts"
Field = tuple[bool, frozenset[str]]  # (optional, kinds)
Shape = dict[str, Field]


# -- TypeScript side ----------------------------------------------------------------------------------------
def _strip_comments(source: str) -> str:
    return re.sub(r"/\*.*?\*/|//[^\n]*", "", source, flags=re.S)


def _split_union(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch in "<{(["
        depth -= ch in ">})]"
        if ch == "|" and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _ts_kinds(text: str, aliases: dict[str, str], interfaces: set[str]) -> frozenset[str]:
    kinds: set[str] = set()
    for part in _split_union(text):
        if part.endswith("[]") or part.startswith("Array<"):
            kinds.add("array")
        elif part.startswith("Record<"):
            kinds.add("record")
        elif part == "string" or part.startswith('"'):
            kinds.add("string")
        elif part == "number" or re.fullmatch(r"-?\d+(\.\d+)?", part):
            kinds.add("number")
        elif part in ("boolean", "true", "false", "null"):
            kinds.add("boolean" if part != "null" else "null")
        elif part in aliases:
            kinds |= _ts_kinds(aliases[part], aliases, interfaces)
        elif part in interfaces:
            kinds.add(f"object:{part}")
        else:
            kinds.add(f"unknown:{part}")
    return frozenset(kinds)


def ts_shapes(source: str) -> dict[str, Shape]:
    source = _strip_comments(source)
    aliases = {m[1]: m[2].strip() for m in re.finditer(r"export type (\w+) = ([^;]+);", source)}
    bodies = {m[1]: m[2] for m in re.finditer(r"export interface (\w+) \{(.*?)\n\}", source, flags=re.S)}
    shapes: dict[str, Shape] = {}
    for name, body in bodies.items():
        fields = re.finditer(r"^\s*(\w+)(\??):\s*([^;]+);", body, flags=re.M)
        shapes[name] = {f[1]: (f[2] == "?", _ts_kinds(f[3], aliases, set(bodies))) for f in fields}
    return shapes


# -- Python side --------------------------------------------------------------------------------------------
def _py_kinds(kind: Any) -> frozenset[str]:
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        return frozenset().union(*(_py_kinds(k) for k in get_args(kind)))
    if origin is Literal:
        return frozenset().union(*(_py_kinds(type(v)) for v in get_args(kind)))
    if origin is list:
        return frozenset({"array"})
    if origin is dict:
        return frozenset({"record"})
    if is_typeddict(kind):
        return frozenset({f"object:{kind.__name__}"})
    names = {str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}
    return frozenset({names.get(kind, f"unknown:{kind!r}")})


def _py_field(hint: Any) -> Field:
    if get_origin(hint) is NotRequired:
        return True, _py_kinds(get_args(hint)[0])
    return False, _py_kinds(hint)


def py_shapes() -> dict[str, Shape]:
    shapes: dict[str, Shape] = {}
    for name, value in vars(protocol).items():
        if is_typeddict(value) and value.__module__ == protocol.__name__:
            # NotRequired read from the hints: with postponed annotations __required_keys__ cannot see it (3.11).
            hints = get_type_hints(value, include_extras=True)
            shapes[name] = {key: _py_field(hint) for key, hint in hints.items()}
    return shapes


def differences(py: dict[str, Shape], ts: dict[str, Shape]) -> list[str]:
    out: list[str] = []
    for name, shape in py.items():
        other = ts.get(name)
        if other is None:
            out.append(f"{name}: no interface in protocol.ts")
            continue
        for key in sorted(shape.keys() | other.keys()):
            if key not in other:
                out.append(f"{name}.{key}: only in protocol.py")
            elif key not in shape:
                out.append(f"{name}.{key}: only in protocol.ts")
            elif shape[key] != other[key]:
                out.append(f"{name}.{key}: protocol.py {_show(shape[key])}, protocol.ts {_show(other[key])}")
    return out


def _show(field: Field) -> str:
    optional, kinds = field
    return ("optional " if optional else "") + " | ".join(sorted(kinds))


# -- the tests ----------------------------------------------------------------------------------------------
def test_every_payload_has_the_same_shape_on_both_sides() -> None:
    py, ts = py_shapes(), ts_shapes(PROTOCOL_TS.read_text())
    assert len(py) >= 12, "protocol.py lost its TypedDicts"
    assert not differences(py, ts)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda s: s.replace("  micDropped?: number;\n", ""), "StatusParams.micDropped: only in protocol.py"),
        (lambda s: s.replace("  spoken: boolean;", "  spoken: boolean;\n  extra: string;"), "AdviceParams.extra"),
        (lambda s: s.replace("  exitCode: number | null;", "  exitCode: number;"), "TerminalParams.exitCode"),
        (lambda s: s.replace("  backend?: BackendName | string;", "  backend: string;"), "StartResult.backend"),
    ],
)
def test_a_change_on_one_side_only_is_caught(edit: Any, expected: str) -> None:
    source = PROTOCOL_TS.read_text()
    changed = edit(source)
    assert changed != source, "the edit no longer applies to protocol.ts: update this test"
    found = differences(py_shapes(), ts_shapes(changed))
    assert any(d.startswith(expected) for d in found), found
