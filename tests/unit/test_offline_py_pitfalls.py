"""Everyday Python errors whose cause the code shows though the message names only the operation
(py_pitfalls.py). Each program is run for real and advised on; where the advice is an edit it is applied and run."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from livepair.advice.verify import patch_lines
from tests.unit.offline_runs import edit_of, names_a_cause, run_again
from tests.unit.test_offline_hidden_errors import advise, placed, run_python


def _run(tmp_path: Path, name: str, code: str) -> subprocess.CompletedProcess[str]:
    return run_again(tmp_path, f"{shlex.quote(sys.executable)} {name}", {name: code})


def test_a_file_given_to_json_loads_is_read_with_json_load_and_the_fix_runs(tmp_path: Path) -> None:
    code = "import json\n\nwith open('c.json') as fh:\n    data = json.loads(fh)\nprint(data['a'])\n"
    found, _ = advise(tmp_path, {"c.json": '{"a": 1}', "read.py": code}, [sys.executable, "read.py"])
    given = edit_of(found)
    assert "json.load(fh)" in found.message and placed(found, 4) and given is not None
    fixed = patch_lines(code, given.start_line, given.end_line, given.new_text)
    assert _run(tmp_path, "read.py", fixed).stdout == "1\n"


def test_a_method_subscripted_is_called_with_parentheses(tmp_path: Path) -> None:
    found = run_python(tmp_path, "items = []\nitems.append['x']\n", "add.py")
    assert ".append(...)" in found.message and placed(found, 2)


def test_a_dict_read_with_a_dot_is_read_with_brackets(tmp_path: Path) -> None:
    code = 'import json\n\nsettings = json.loads(\'{"db": {"host": "h"}}\')\nprint(settings.db)\n'
    found = run_python(tmp_path, code, "conf.py")
    assert "settings['db']" in found.message and placed(found, 4)


def test_len_of_a_generator_is_listed_where_it_is_made(tmp_path: Path) -> None:
    code = "squares = (n * n for n in range(5))\nprint(len(squares))\n"
    found = run_python(tmp_path, code, "count.py")
    assert "list(" in found.message and placed(found, 1)


def test_an_async_generator_awaited_is_read_with_async_for(tmp_path: Path) -> None:
    code = (
        "import asyncio\n\n\nasync def ticks():\n    yield 1\n\n\nasync def main():\n    print(await ticks())\n\n\n"
        "asyncio.run(main())\n"
    )
    found = run_python(tmp_path, code, "ticks.py")
    assert "async for" in found.message and placed(found, 9)


def test_a_float_attribute_added_to_a_decimal_is_made_a_decimal_where_it_is_set(tmp_path: Path) -> None:
    code = (
        "from decimal import Decimal\n\n\nclass Cart:\n    def __init__(self):\n        self.fee = 2.5\n\n"
        "    def total(self, amount):\n        return amount + self.fee\n\n\nprint(Cart().total(Decimal('1.10')))\n"
    )
    found = run_python(tmp_path, code, "cart.py")
    assert "Decimal('2.5')" in found.message and placed(found, 6)
    assert _run(tmp_path, "cart.py", code.replace("self.fee = 2.5", "self.fee = Decimal('2.5')")).stdout == "3.60\n"


def test_raw_input_is_python_2s_input(tmp_path: Path) -> None:
    found = run_python(tmp_path, "name = raw_input('Name? ')\n", "ask.py")
    assert "input(...)" in found.message and names_a_cause(found) and placed(found, 1)


def test_a_missing_comma_between_strings_is_named_where_the_comma_goes(tmp_path: Path) -> None:
    code = "LEVELS = [\n    'DEBUG',\n    'INFO'\n    'WARN',\n]\nprint(LEVELS.index('WARN'))\n"
    found = run_python(tmp_path, code, "levels.py")
    assert "comma" in found.message and placed(found, 3)
    assert _run(tmp_path, "levels.py", code.replace("'INFO'\n", "'INFO',\n")).stdout == "2\n"


def test_a_long_string_split_in_parentheses_is_no_missing_comma(tmp_path: Path) -> None:
    code = "MSG = ('a long '\n       'message')\nnames = ['x', 'y']\nprint(names.index('z'))\n"
    found = run_python(tmp_path, code, "msg.py")
    assert "comma" not in found.message  # implicit concatenation in parentheses is deliberate


def test_paths_read_as_lines_keep_their_newline_and_are_stripped_where_read(tmp_path: Path) -> None:
    code = (
        "def names(list_file):\n    with open(list_file) as f:\n        return f.readlines()\n\n\n"
        "for name in names('list.txt'):\n    print(open(name).read())\n"
    )
    found, _ = advise(tmp_path, {"list.txt": "a.txt\n", "a.txt": "A", "show.py": code}, [sys.executable, "show.py"])
    assert "strip" in found.message and "newline" in found.message and placed(found, 3)


def test_python_2_print_statement_needs_parentheses(tmp_path: Path) -> None:
    found = run_python(tmp_path, "x = 1\nprint 'x is', x\n", "old.py")
    assert "print(...)" in found.message and names_a_cause(found) and placed(found, 2)
