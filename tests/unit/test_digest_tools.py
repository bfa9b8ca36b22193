"""Context digests and the model's tools, over a real workspace on disk."""

from pathlib import Path

from livepair.advice.store import AdviceStore
from livepair.context.digest import DigestBuilder, DigestLimits
from livepair.context.fence import CLOSE, OPEN
from livepair.context.redact import Redactor
from livepair.context.store import ContextStore
from livepair.model import Diagnostic, DiagnosticSeverity, EditorState, Position, Range, TerminalRun
from livepair.session.tools.toolbox import Tools


def diag(line: int, message: str, severity: int = 1) -> Diagnostic:
    rng = Range(Position(line, 0), Position(line, 3))
    return Diagnostic(range=rng, message=message, severity=DiagnosticSeverity(severity), source="pyright")


def setup(tmp_path: Path, text: str) -> tuple[ContextStore, str]:
    (tmp_path / "m.py").write_text(text)
    store = ContextStore(lambda uri: None)
    store.root = tmp_path
    return store, (tmp_path / "m.py").as_uri()


def test_digest_has_sections_and_only_resends_changes(tmp_path: Path) -> None:
    store, uri = setup(tmp_path, "\n".join(f"line{i}" for i in range(100)))
    store.set_diagnostics(uri, [diag(50, "boom")])
    store.set_editor_state(EditorState(uri=uri, selection=Range(Position(3, 0), Position(3, 0))))
    builder = DigestBuilder(store, Redactor(), DigestLimits(excerpt_lines=2))
    first = builder.update()
    assert first is not None
    assert "Active file: m.py, cursor at line 4" in first
    assert "- m.py:51:1 error [pyright]: boom" in first
    assert "   51| line50" in first and "   49| line48" in first and "   54| line53" not in first
    assert builder.update() is None  # nothing changed
    store.add_terminal_run(TerminalRun("pytest", "1 failed", 1, str(tmp_path)))
    second = builder.update()
    assert second is not None and "`pytest`" in second and "boom" not in second


def test_huge_diagnostic_lists_are_capped(tmp_path: Path) -> None:
    store, uri = setup(tmp_path, "x\n" * 20_000)
    store.set_diagnostics(uri, [diag(i, f"problem {i}", 2) for i in range(10_000)])
    text = DigestBuilder(store, Redactor(), DigestLimits(max_diagnostics=50)).update()
    assert text is not None
    assert "Diagnostics (10000)" in text and "(+9950 more not shown)" in text
    assert text.count("| x") <= 240  # excerpt budget


async def test_tools_resolve_inside_the_workspace_only(tmp_path: Path) -> None:
    store, _ = setup(tmp_path, "a = 1\nb = 2\n")
    added = []
    advice = AdviceStore(lambda u, n: (store.text(u) or "").splitlines()[n])

    async def never(_request: object) -> bool:
        raise AssertionError("no tool here needs approval")

    tools = Tools(store, advice, Redactor(), added.append, never)
    assert await tools.call("annotate", {"path": "m.py", "line": 2, "message": "b is two"}) == {
        "ok": True,
        "id": "a1",
    }
    assert added[0].line == 1
    assert "outside the workspace" in (await tools.call("read_file", {"path": "/etc/passwd"}))["error"]
    assert "outside" in (await tools.call("read_file", {"path": "../x"}))["error"]
    assert "outside the file" in (await tools.call("annotate", {"path": "m.py", "line": 9, "message": "x"}))["error"]
    assert "unknown tool" in (await tools.call("rm_rf", {}))["error"]
    assert "'message'" in (await tools.call("annotate", {"path": "m.py", "line": 1}))["error"]
    read = await tools.call("read_file", {"path": "m.py", "start": 2})
    assert read["content"].splitlines()[1:] == ["    2| b = 2", CLOSE] and read["total_lines"] == 2
    assert read["content"].startswith(f"{OPEN} (file m.py;")


def test_typing_sends_only_the_edited_line_and_a_new_window_resends_the_excerpt(tmp_path: Path) -> None:
    lines = [f"value_{i} = {i}" for i in range(40)]
    store, uri = setup(tmp_path, "\n".join(lines))
    typed: list[str] = []
    store._read_open = lambda u: "\n".join(typed) if typed and u == uri else None  # what the editor holds
    at = lambda n: EditorState(uri=uri, selection=Range(Position(n, 0), Position(n, 0)))  # noqa: E731
    store.set_editor_state(at(10))
    builder = DigestBuilder(store, Redactor(), DigestLimits(excerpt_lines=3))
    assert builder.update() is not None
    typed[:] = lines
    typed[10] = "value_10 = load_config(pa"
    update = builder.update()
    assert update is not None and update.endswith(f"--- m.py, lines now ---\n   11| value_10 = load_config(pa\n{CLOSE}")
    assert "value_9" not in update and "Active file" not in update  # nothing else is re-sent
    typed[10] = 'value_10 = "AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW"'
    update = builder.update()
    assert update is not None and "AIza" not in update and "<secret:" in update  # edits are redacted like the rest
    store.set_editor_state(at(30))
    update = builder.update()
    assert update is not None and "--- m.py lines 28-34 ---" in update and "   31| value_30 = 30" in update
