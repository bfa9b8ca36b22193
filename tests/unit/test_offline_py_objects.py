"""Errors of classes, context managers and library calls whose cause is on another line or in another file
(py_objects.py). Each program is run for real and advised on; where the advice is an edit it is applied and run."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from tests.unit.offline_runs import run_again
from tests.unit.test_offline_hidden_errors import advise, placed, run_python


def _run(tmp_path: Path, name: str, code: str) -> subprocess.CompletedProcess[str]:
    return run_again(tmp_path, f"{shlex.quote(sys.executable)} {name}", {name: code})


def test_init_returning_a_value_is_named_at_the_return_in_its_own_file(tmp_path: Path) -> None:
    model = "class Model:\n    def __init__(self):\n        self.w = 1\n        return self\n"
    found, _ = advise(tmp_path, {"model.py": model, "train.py": "from model import Model\n\nModel()\n"},
                      [sys.executable, "train.py"])  # fmt: skip
    assert "Remove that return" in found.message and placed(found, 4, "model.py")


def test_enter_returning_nothing_is_told_to_return_self_and_then_runs(tmp_path: Path) -> None:
    code = (
        "class Box:\n    def __enter__(self):\n        self.items = [1]\n\n    def __exit__(self, *exc):\n"
        "        return False\n\n\nwith Box() as box:\n    print(box.items)\n"
    )
    found = run_python(tmp_path, code, "box.py")
    assert "return self" in found.message and placed(found, 3)
    fixed = code.replace("        self.items = [1]\n", "        self.items = [1]\n        return self\n")
    assert _run(tmp_path, "box.py", fixed).stdout == "[1]\n"


def test_output_of_a_run_that_did_not_capture_it_is_captured_where_it_runs(tmp_path: Path) -> None:
    code = (
        "import subprocess\nimport sys\n\nr = subprocess.run([sys.executable, '-c', 'print(7)'])\n"
        "print(r.stdout.strip())\n"
    )
    found = run_python(tmp_path, code, "ver.py")
    assert "capture_output=True" in found.message and placed(found, 4)
    fixed = code.replace("'print(7)'])", "'print(7)'], capture_output=True, text=True)")
    assert _run(tmp_path, "ver.py", fixed).stdout.endswith("7\n")


def test_asyncio_run_of_a_plain_function_says_to_call_it_directly(tmp_path: Path) -> None:
    code = "import asyncio\n\n\ndef main():\n    print('hi')\n\n\nasyncio.run(main())\n"
    found = run_python(tmp_path, code, "app.py")
    assert "plain (not async)" in found.message and placed(found, 8)


def test_an_attribute_named_like_a_method_is_named_where_it_is_set(tmp_path: Path) -> None:
    code = "class Exam:\n    def __init__(self):\n        self.score = 3\n\n    def score(self):\n        return 1\n\n"
    found = run_python(tmp_path, code + "\nExam().score()\n", "exam.py")
    assert "hides the method" in found.message and placed(found, 3)


def test_heap_entries_that_tie_get_a_counter_at_the_push(tmp_path: Path) -> None:
    code = "import heapq\n\nq = []\nfor job in ({'a': 1}, {'b': 2}):\n    heapq.heappush(q, (1, job))\n"
    found = run_python(tmp_path, code, "q.py")
    assert "itertools.count()" in found.message and placed(found, 5)


def test_fieldnames_from_the_first_row_are_named_where_they_are_taken(tmp_path: Path) -> None:
    code = (
        "import csv\nimport sys\n\nrows = [{'a': 1}, {'a': 2, 'b': 3}]\nfields = rows[0].keys()\n"
        "w = csv.DictWriter(sys.stdout, fields)\nw.writerows(rows)\n"
    )
    found = run_python(tmp_path, code, "out.py")
    assert "every row" in found.message and placed(found, 5)
    fixed = code.replace("rows[0].keys()", "list(dict.fromkeys(k for row in rows for k in row))")
    assert _run(tmp_path, "out.py", fixed).returncode == 0


def test_a_trailing_comma_in_a_json_file_is_placed_in_that_file(tmp_path: Path) -> None:
    config = '{\n  "a": 1,\n  "b": 2,\n}\n'
    code = "import json\n\nwith open('config.json') as f:\n    print(json.load(f)['a'])\n"
    found, _ = advise(tmp_path, {"config.json": config, "app.py": code}, [sys.executable, "app.py"])
    assert "comma" in found.message and placed(found, 3, "config.json")


def test_an_empty_json_file_is_not_blamed_on_the_file(tmp_path: Path) -> None:
    code = "import json\n\nwith open('state.json') as f:\n    print(json.load(f))\n"
    found, _ = advise(tmp_path, {"state.json": "", "app.py": code}, [sys.executable, "app.py"])
    assert found.place is None or found.place.path.name != "state.json"  # what wrote it empty is the cause
