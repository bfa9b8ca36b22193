"""Inbound livepair/* payloads -> the daemon's types (the method names and outbound shapes: protocol.py).

Client payloads are parsed strictly so a malformed message becomes a clear `PayloadError` at the edge instead of a
confusing failure deep inside the daemon; every field is bounded (limits.py).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cattrs import Converter
from lsprotocol import types as lsp
from lsprotocol.converters import get_converter

from livepair.context.store import head_of
from livepair.lsp.limits import (
    MAX_COMMAND_CHARS,
    MAX_DIAGNOSTIC_CHARS,
    MAX_DIAGNOSTICS,
    MAX_SOURCE_CHARS,
    MAX_URI_CHARS,
    MAX_VISIBLE,
    too_long,
)
from livepair.lsp.protocol import DIAGNOSTICS, EDITOR_STATE, TERMINAL
from livepair.model import (
    MAX_TERMINAL_OUTPUT,
    Diagnostic,
    DiagnosticSeverity,
    EditorState,
    Position,
    Range,
    RelatedInformation,
    TerminalRun,
)


@functools.cache
def _converter() -> Converter:
    """Made on first use: building a converter is ~10 ms that `initialize` does not need."""
    return get_converter()


log = logging.getLogger(__name__)
Warn = Callable[[str], None]  # how a parse says it cut something down (the editor's log, by default stderr)


class PayloadError(ValueError):
    """A client payload that does not match the livepair/* protocol."""


def plain(value: Any) -> Any:
    """pygls hands custom params over as namedtuples (`Object`); turn them back into JSON values."""
    if hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _obj(params: Any, method: str) -> dict[str, Any]:
    params = plain(params)
    if not isinstance(params, dict):
        raise PayloadError(f"{method}: params must be an object, got {type(params).__name__}")
    return params


def _str(d: dict[str, Any], key: str, method: str, *, required: bool = True, limit: int | None = None) -> str | None:
    value = d.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise PayloadError(f"{method}: '{key}' must be a string")
    if limit is not None and len(value) > limit:
        raise PayloadError(f"{method}: {too_long(repr(key), len(value), limit)}")
    return value


def _list(d: dict[str, Any], key: str, method: str, limit: int) -> list[Any]:
    items = d.get(key) or []
    if not isinstance(items, list):
        raise PayloadError(f"{method}: '{key}' must be a list")
    if len(items) > limit:
        raise PayloadError(f"{method}: too many '{key}' ({len(items)}, max {limit})")
    return items


def _severity(item: Any) -> int:
    """For keeping the most severe: 1 (error) .. 4 (hint); none given counts as an error, as elsewhere."""
    sev = item.get("severity") if isinstance(item, dict) else None
    return sev if isinstance(sev, int) and not isinstance(sev, bool) and 1 <= sev <= 4 else 1


def _bounded(d: Diagnostic) -> Diagnostic:
    if len(d.message) <= MAX_DIAGNOSTIC_CHARS and len(d.source or "") <= MAX_SOURCE_CHARS:
        return d
    message = d.message if len(d.message) <= MAX_DIAGNOSTIC_CHARS else head_of(d.message, MAX_DIAGNOSTIC_CHARS) + "…"
    return dataclasses.replace(d, message=message, source=d.source[:MAX_SOURCE_CHARS] if d.source else d.source)


# -- the wire's lsprotocol types -> the daemon's (outbound: protocol.py) --------------------------------
def to_position(p: lsp.Position) -> Position:
    return Position(p.line, p.character)


def to_range(r: lsp.Range) -> Range:
    return Range(to_position(r.start), to_position(r.end))


def to_diagnostic(d: lsp.Diagnostic) -> Diagnostic:
    related = tuple(
        RelatedInformation(r.location.uri, to_range(r.location.range), r.message) for r in d.related_information or ()
    )
    return Diagnostic(
        range=to_range(d.range),
        message=d.message,
        severity=None if d.severity is None else DiagnosticSeverity(int(d.severity)),
        source=d.source,
        code=d.code,
        related=related,
        data=d.data,
    )


def _structure(value: Any, kind: type[Any], what: str) -> Any:
    try:
        return _converter().structure(value, kind)
    except Exception as exc:  # cattrs raises several exception types; all mean "malformed"
        raise PayloadError(f"{what}: {exc}") from None


@dataclass(frozen=True)
class DiagnosticsParams:
    """All diagnostics the editor knows for one document, from every source."""

    uri: str
    diagnostics: list[Diagnostic]

    @classmethod
    def parse(cls, params: Any, warn: Warn = log.warning) -> DiagnosticsParams:
        d = _obj(params, DIAGNOSTICS)
        uri = _str(d, "uri", DIAGNOSTICS, limit=MAX_URI_CHARS)
        items = d.get("diagnostics")
        if not isinstance(items, list):
            raise PayloadError(f"{DIAGNOSTICS}: 'diagnostics' must be a list")
        if len(items) > MAX_DIAGNOSTICS:
            warn(f"{DIAGNOSTICS}: {len(items)} diagnostics for one document; kept the {MAX_DIAGNOSTICS} most severe")
            items = sorted(items, key=_severity)[:MAX_DIAGNOSTICS]
        diags = [
            _bounded(to_diagnostic(_structure(item, lsp.Diagnostic, f"{DIAGNOSTICS}: diagnostic {i}")))
            for i, item in enumerate(items)
        ]
        return cls(uri=uri or "", diagnostics=diags)


def parse_terminal_run(params: Any, warn: Warn = log.warning) -> TerminalRun:
    d = _obj(params, TERMINAL)
    command = _str(d, "command", TERMINAL) or ""
    if len(command) > MAX_COMMAND_CHARS:
        warn(f"{TERMINAL}: {too_long('command', len(command), MAX_COMMAND_CHARS)}; kept its start")
        command = f"{head_of(command, MAX_COMMAND_CHARS)}… (cut: {len(command)} chars)"
    output = _str(d, "output", TERMINAL, required=False) or ""
    exit_code = d.get("exitCode")
    if exit_code is not None and (not isinstance(exit_code, int) or isinstance(exit_code, bool)):
        raise PayloadError(f"{TERMINAL}: 'exitCode' must be an integer or null")
    cwd = _str(d, "cwd", TERMINAL, required=False, limit=MAX_URI_CHARS)
    return TerminalRun(command=command, output=output[-MAX_TERMINAL_OUTPUT:], exit_code=exit_code, cwd=cwd)


def parse_editor_state(params: Any) -> EditorState:
    # Too many visible uris is refused rather than cut: the screen's privacy gate must see every one of them.
    d = _obj(params, EDITOR_STATE)
    uri = _str(d, "uri", EDITOR_STATE, required=False, limit=MAX_URI_CHARS)
    selection = d.get("selection")
    sel = None if selection is None else to_range(_structure(selection, lsp.Range, f"{EDITOR_STATE}: selection"))
    ranges = _list(d, "visibleRanges", EDITOR_STATE, MAX_VISIBLE)
    visible = [to_range(_structure(r, lsp.Range, f"{EDITOR_STATE}: visibleRanges")) for r in ranges]
    uris = _list(d, "visibleUris", EDITOR_STATE, MAX_VISIBLE)
    if not all(isinstance(u, str) for u in uris):
        raise PayloadError(f"{EDITOR_STATE}: 'visibleUris' must be a list of strings")
    if longest := max((len(u) for u in uris if len(u) > MAX_URI_CHARS), default=0):
        raise PayloadError(f"{EDITOR_STATE}: {too_long('a visible uri', longest, MAX_URI_CHARS)}")
    return EditorState(uri=uri, selection=sel, visible_ranges=visible, visible_uris=uris)


def parse_run_result(reply: Any, max_output: int) -> tuple[int | None, str, bool, bool]:
    """A livepair/runInTerminal reply -> (exit code, output, timed out, truncated); PayloadError if malformed."""
    reply = plain(reply)
    if not isinstance(reply, dict):
        raise PayloadError("runInTerminal: the reply is not an object")
    if isinstance(reply.get("error"), str):
        raise PayloadError(f"runInTerminal: {reply['error'][:300]}")
    code, output = reply.get("exitCode"), reply.get("output")
    if code is not None and (not isinstance(code, int) or isinstance(code, bool)):
        raise PayloadError("runInTerminal: exitCode must be an integer or null")
    if not isinstance(output, str):
        raise PayloadError("runInTerminal: output must be a string")
    truncated = reply.get("truncated") is True or len(output) > max_output
    return code, output[:max_output], reply.get("timedOut") is True, truncated
