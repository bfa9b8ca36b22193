"""The offline advisor names a cause only where the evidence points: the operand the error says was None (not any
name on the line), ... Each program is run for real; its output goes to the advisor as a terminal run would."""

from __future__ import annotations

import sys
from pathlib import Path

from livepair.backends.offline import honest
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
