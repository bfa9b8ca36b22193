"""The offline advisor names a cause only where the evidence points: the operand the error says was None (not any
name on the line), ... Each program is run for real; its output goes to the advisor as a terminal run would."""

from __future__ import annotations

import sys
from pathlib import Path

from livepair.backends.offline import honest
from livepair.backends.offline.enrich import Finding
from tests.unit.test_offline_hidden_errors import advise


def test_none_is_traced_from_the_operand_the_error_names_not_a_call_beside_it(tmp_path: Path) -> None:
    code = "def log(message):\n    print(message)\n\n\nclass Box:\n    item = None\n\n\nlog(Box.item.name)\n"
    found, _ = advise(tmp_path, {"box.py": code}, [sys.executable, "box.py"])
    assert "log()" not in found.message  # log() returns nothing, but its result is not what was None
    assert honest.HONEST in found.message or "Box.item" in found.message


def test_none_from_a_function_without_return_is_still_found(tmp_path: Path) -> None:
    code = "def load():\n    data = {'a': 1}\n\n\nconfig = load()\nprint(config['a'])\n"
    found, _ = advise(tmp_path, {"cfg.py": code}, [sys.executable, "cfg.py"])
    assert "load() (line 1) has no return statement" in found.message


def node(tmp_path: Path, code: str, extra: dict[str, str] | None = None) -> Finding:
    found, _ = advise(tmp_path, {"app.js": code, **(extra or {})}, ["node", "app.js"])
    return found


def test_node_undefined_traced_to_the_object_passed_without_that_property(tmp_path: Path) -> None:
    code = "const state = { loading: false };\nfunction render(s) {\n  return s.items.map((i) => i.name);\n}\n"
    found = node(tmp_path, code + "console.log(render(state));\n")
    assert "no property 'items'" in found.message and "loading" in found.message
    assert found.place is not None and found.place.line == 3 and honest.HONEST not in found.message


def test_node_undefined_traced_to_a_call_that_passes_too_few_arguments(tmp_path: Path) -> None:
    code = "function greet(greeting, user) {\n  return greeting + user.name;\n}\n\nconsole.log(greet('hi'));\n"
    found = node(tmp_path, code)
    assert "parameter 2 of greet()" in found.message
    assert found.place is not None and found.place.line == 5


def test_node_undefined_traced_to_a_function_that_returns_nothing(tmp_path: Path) -> None:
    code = (
        "function load(list) {\n  list.forEach((x) => {\n    return x;\n  });\n}\n\n"
        "const first = load([{ id: 1 }]);\nconsole.log(first.id);\n"
    )
    found = node(tmp_path, code)
    assert "load() (line 1) returns nothing" in found.message and "callback" in found.message
    assert found.place is not None and found.place.line == 1


def test_node_undefined_property_of_a_loaded_json_file_lists_its_keys(tmp_path: Path) -> None:
    code = "const fs = require('fs');\nconst cfg = JSON.parse(fs.readFileSync('cfg.json', 'utf8'));\n"
    found = node(tmp_path, code + "console.log(cfg.db.host);\n", {"cfg.json": '{"database": {"host": "x"}}'})
    assert "no property 'db'" in found.message and "database" in found.message


def test_node_a_variable_assigned_later_is_not_called_declared_without_a_value(tmp_path: Path) -> None:
    code = "let config;\nsetTimeout(() => {\n  config = { port: 1 };\n}, 10);\nconsole.log(config.port);\n"
    found = node(tmp_path, code)
    assert "without a value" not in found.message  # it gets one, in a callback that runs later
    assert honest.HONEST in found.message
