"""The tool registry: what each record claims holds when the tool is called, and the editor port's flags decide
what a tool asks of the editor."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from livepair.advice.store import Advice, AdviceStore
from livepair.context.redact import Redactor
from livepair.context.store import ContextStore
from livepair.model import CommandApproval, Position, ProposedEdit, Range
from livepair.session.editor_port import EditorCapabilities, EditOutcome, NullEditor
from livepair.session.learning_log import LearningLog
from livepair.session.tools.catalogue import REGISTRY
from livepair.session.tools.toolbox import Tools
from livepair.session.tutor import Tutor
from livepair.session.workspace_tools import NO_PREVIEW

JSON_TYPES = {"object", "string", "integer", "number", "boolean", "array"}
# A well-formed call of each tool that names a file: only its path is then made to point elsewhere.
CALLS: dict[str, dict[str, Any]] = {
    "annotate": {"line": 1, "message": "m"},
    "propose_fix": {"range": {"start_line": 1, "end_line": 1}, "new_text": "a = 2\n", "explanation": "e"},
    "read_file": {},
    "get_diagnostics": {},
    "open_location": {"line": 1},
    "give_hint": {"line": 1, "level": 2, "hint": "h"},
    "record_concept": {"line": 1, "name": "n", "source": "https://docs.python.org/3/"},
}


class Editor(NullEditor):
    def __init__(self, capabilities: EditorCapabilities) -> None:
        self.capabilities = capabilities
        self.asked: list[CommandApproval] = []
        self.edits: list[ProposedEdit] = []
        self.shown: list[tuple[str, int]] = []

    async def approve(self, request: CommandApproval) -> bool:
        self.asked.append(request)
        return False

    async def apply_edit(self, edit: ProposedEdit) -> EditOutcome:
        self.edits.append(edit)
        return "declined"

    async def show_document(self, uri: str, line: int) -> bool:
        self.shown.append((uri, line))
        return True


def make(tmp_path: Path, editor: Editor | None = None) -> tuple[Tools, list[Advice]]:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "m.py").write_text("a = 1\nb = 2\n")
    (tmp_path / "outside.py").write_text("secret = 1\n")
    store = ContextStore(lambda _uri: None)
    store.root = root
    added: list[Advice] = []
    advice = AdviceStore(lambda u, n: (store.text(u) or "").splitlines()[n])
    editor = editor or Editor(EditorCapabilities())
    return Tools(store, advice, Redactor(), added.append, editor.approve, editor=editor), added


def types_in(schema: object) -> Iterator[object]:
    if isinstance(schema, dict):
        if "type" in schema:
            yield schema["type"]
        for value in schema.values():
            yield from types_in(value)


def test_every_record_is_plain_json_schema_with_a_unique_name() -> None:
    names = [t.name for t in REGISTRY]
    assert len(names) == len(set(names)) == 12  # with the tutor's give_hint and record_concept
    for tool in REGISTRY:
        assert set(types_in(tool.parameters)) <= JSON_TYPES, tool.name  # lowercase: no vendor dialect here
        assert tool.description.strip() and tool.parameters["type"] == "object"
    assert {t.name for t in REGISTRY if not t.blocking} == {"run_command", "run_python"}
    assert {t.name for t in REGISTRY if t.needs_approval} == {"run_command", "run_python", "apply_edit"}


def names_a_file(parameters: dict[str, object]) -> bool:
    properties = parameters.get("properties")
    return isinstance(properties, dict) and "path" in properties


@pytest.mark.parametrize("name", sorted(t.name for t in REGISTRY if names_a_file(t.parameters)))
async def test_a_tool_that_names_a_file_touches_paths_and_refuses_one_outside(tmp_path: Path, name: str) -> None:
    tool = REGISTRY.get(name)
    assert tool is not None and tool.touches_paths
    tools, added = make(tmp_path)
    if tool.mode == "tutor":
        tools.tutor = Tutor("beginner", lambda: None, LearningLog(tmp_path / "learning.jsonl"))
    inside = await tools.call(name, {"path": "m.py", **CALLS[name]})
    outside = await tools.call(name, {"path": "../outside.py", **CALLS[name]})
    assert "error" not in inside, inside  # the same call works on a workspace file
    assert "outside the workspace" in outside["error"]
    assert "secret" not in str(outside)
    assert len(added) == (1 if REGISTRY.places_advice(name) else 0)  # only the call inside placed advice


async def test_an_unknown_tool_is_an_error_naming_every_tool(tmp_path: Path) -> None:
    tools, _ = make(tmp_path)
    result = await tools.call("delete_everything", {})
    assert result["error"].startswith("unknown tool 'delete_everything'")
    assert all(t.name in result["error"] for t in REGISTRY)


async def test_wrong_arguments_of_any_tool_come_back_as_one_kind_of_error(tmp_path: Path) -> None:
    tools, _ = make(tmp_path)
    assert await tools.call("annotate", {"path": "m.py", "line": "one", "message": "m"}) == {
        "error": "'line' must be an integer"
    }
    assert await tools.call("search_workspace", {"query": " "}) == {"error": "'query' must be a non-empty string"}
    assert await tools.call("open_location", {"path": "m.py", "line": 0}) == {
        "error": "'line' must be a positive integer (1-based)"
    }


EDIT = {"edits": [{"path": "m.py", "start_line": 2, "end_line": 2, "new_text": "b = 3"}], "reason": "Three."}


async def test_an_editor_without_an_edit_preview_is_never_sent_an_edit(tmp_path: Path) -> None:
    editor = Editor(EditorCapabilities(edit_preview=False))
    tools, _ = make(tmp_path, editor)
    assert await tools.call("apply_edit", EDIT) == {"error": NO_PREVIEW}
    assert editor.edits == []


async def test_an_editor_with_an_edit_preview_gets_the_daemons_own_edit(tmp_path: Path) -> None:
    editor = Editor(EditorCapabilities(edit_preview=True))
    tools, _ = make(tmp_path, editor)
    result = await tools.call("apply_edit", EDIT)
    assert result == {"error": "the user did not apply the edit", "files": ["m.py"]}
    (edit,) = editor.edits
    (file,) = edit.files
    assert file.uri == (tmp_path / "ws" / "m.py").as_uri() and edit.label == "LivePair: Three."
    (replacement,) = file.replacements
    assert replacement.range == Range(Position(1, 0), Position(2, 0)) and replacement.new_text == "b = 3\n"


async def test_run_command_asks_first_and_runs_in_the_daemon_without_a_terminal(tmp_path: Path) -> None:
    editor = Editor(EditorCapabilities(terminal=False))
    tools, _ = make(tmp_path, editor)
    marker = tmp_path / "ws" / "ran"
    result = await tools.call("run_command", {"command": f"touch {marker}", "reason": "r"})
    assert result == {"error": "the user declined to run this command"}
    assert [a.command for a in editor.asked] == [f"touch {marker}"] and not marker.exists()


@pytest.mark.parametrize("name", sorted(CALLS))
async def test_places_advice_is_true_exactly_for_the_tools_that_put_advice_on_a_line(tmp_path: Path, name: str) -> None:
    """The session tells a turn that placed nothing apart from one that did by this flag: it must match the effect."""
    tools, added = make(tmp_path, Editor(EditorCapabilities(edit_preview=True)))
    tool = REGISTRY.get(name)
    if tool is not None and tool.mode == "tutor":
        tools.tutor = Tutor("beginner", lambda: None, LearningLog(tmp_path / "learning.jsonl"))
    result = await tools.call(name, {"path": "m.py", **CALLS[name]})
    assert "error" not in result, result
    assert bool(added) == REGISTRY.places_advice(name)
