"""lsp/ is the only place wire types live: what the editor sends becomes the daemon's own types, and they go back
out as the very JSON they came in as (inbound.py in, protocol.py out)."""

from __future__ import annotations

from typing import Any

import pytest

from livepair.advice.store import AdviceStore
from livepair.context.digest import format_diagnostic
from livepair.lsp import protocol
from livepair.lsp.inbound import DiagnosticsParams, PayloadError, parse_editor_state
from livepair.model import Diagnostic, DiagnosticSeverity, Position, Range, RelatedInformation

URI = "file:///ws/f.py"
FULL: dict[str, Any] = {
    "range": {"start": {"line": 3, "character": 4}, "end": {"line": 3, "character": 9}},
    "message": '"conf" is possibly unbound',
    "severity": 2,
    "source": "Pylance",
    "code": "reportPossiblyUnbound",
    "relatedInformation": [
        {
            "location": {
                "uri": "file:///ws/g.py",
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 4}},
            },
            "message": "conf is assigned here",
        }
    ],
    "data": {"fixable": True},
}


def parse_one(item: dict[str, Any]) -> Diagnostic:
    (d,) = DiagnosticsParams.parse({"uri": URI, "diagnostics": [item]}).diagnostics
    return d


def test_an_editors_diagnostic_becomes_the_daemons_own_and_goes_back_unchanged() -> None:
    d = parse_one(FULL)
    assert d == Diagnostic(
        Range(Position(3, 4), Position(3, 9)),
        '"conf" is possibly unbound',
        DiagnosticSeverity.WARNING,
        "Pylance",
        "reportPossiblyUnbound",
        (RelatedInformation("file:///ws/g.py", Range(Position(0, 0), Position(0, 4)), "conf is assigned here"),),
    )
    assert d.data == {"fixable": True}
    assert protocol.to_json(protocol.lsp_diagnostic(d)) == FULL


def test_a_bare_diagnostic_stays_bare_and_counts_as_an_error() -> None:
    bare = {"range": FULL["range"], "message": "bad", "code": 7}
    d = parse_one(bare)
    assert (d.severity, d.source, d.code, d.related) == (None, None, 7, ())
    assert protocol.to_json(protocol.lsp_diagnostic(d)) == bare
    assert format_diagnostic("f.py", d) == "- f.py:4:5 error [7]: bad"


def test_a_malformed_diagnostic_is_still_refused_at_the_edge() -> None:
    with pytest.raises(PayloadError, match="diagnostic 0"):
        parse_one({"range": {"start": {"line": -1, "character": 0}, "end": FULL["range"]["end"]}, "message": "x"})


def test_the_editor_state_carries_the_daemons_ranges() -> None:
    sel = {"start": {"line": 5, "character": 2}, "end": {"line": 6, "character": 0}}
    state = parse_editor_state({"uri": URI, "selection": sel, "visibleRanges": [sel], "visibleUris": [URI]})
    assert state.selection == Range(Position(5, 2), Position(6, 0)) and state.visible_ranges == [state.selection]


def test_advice_goes_out_as_livepair_diagnostics_with_its_id_and_fix() -> None:
    lines = ["import os", "open('x')"]
    store = AdviceStore(lambda uri, n: lines[n] if 0 <= n < len(lines) else None)
    item = store.propose_fix(URI, Range.lines(1, 1), "open('y')\n", "Open y. It exists.")
    (published,) = protocol.to_json(protocol.publish_diagnostics_params(URI, store.diagnostics(URI)))["diagnostics"]
    assert published == {
        "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 9}},
        "message": "Open y. It exists.",
        "severity": 3,
        "source": "LivePair",
        "code": "fix",
        "data": {"adviceId": item.id, "headline": "Open y"},  # no cause given: the message's first clause
    }
    params = protocol.advice_params(item)
    assert params["range"] == published["range"] and params["headline"] == "Open y"
    whole_line = {"start": {"line": 1, "character": 0}, "end": {"line": 2, "character": 0}}
    assert params["fix"] == {"title": "LivePair: Open y", "range": whole_line, "newText": "open('y')\n"}
    assert item.fix is not None
    edit = protocol.to_json(protocol.fix_edit(URI, item.fix))
    assert edit == {"changes": {URI: [{"range": whole_line, "newText": "open('y')\n"}]}}
