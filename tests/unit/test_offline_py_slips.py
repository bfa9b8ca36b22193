"""Slips the code or its data shows (py_slips.py; a ConfigParser value used as a number, py_causes.py): each program
is run for real and advised on; an offered edit is applied and the program run again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from livepair.advice.verify import patch_lines
from tests.unit.offline_runs import edit_of, names_a_cause
from tests.unit.test_offline_hidden_errors import placed, run_python
from tests.unit.test_offline_py_mixups import run_fixed


@pytest.mark.parametrize(
    ("code", "others", "where", "said", "prints"),
    [
        (  # an option read under another name than it defines
            "import argparse\n\nparser = argparse.ArgumentParser()\nparser.add_argument('--max-rows', type=int, "
            "default=3)\nargs = parser.parse_args()\nprint(args.max_row)\n",
            {},
            ("main.py", 4),
            "stores as args.max_rows",
            "3",
        ),
        (  # a Windows path with lone backslashes in a JSON file
            "import json\n\nwith open('conf.json') as f:\n    conf = json.load(f)\n"
            "print(conf['out'].split('\\\\')[-1])\n",
            {"conf.json": '{\n  "out": "C:\\Users\\ann\\Music"\n}\n'},
            ("conf.json", 2),
            "lone backslash",
            "Music",
        ),
        (  # a number written before a parenthesis
            "x = 4\ny = 2(x + 1)\nprint(y)\n",
            {},
            ("main.py", 2),
            "Python has no implied multiplication",
            "10",
        ),
        (  # a ConfigParser value used as a number: the one named like a number
            "from configparser import ConfigParser\n\nconfig = ConfigParser()\nconfig.read('app.ini')\n"
            "host = config.get('net', 'host')\nport = config.get('net', 'port')\nprint(host, range(port)[-1])\n",
            {"app.ini": "[net]\nhost = localhost\nport = 3\n"},
            ("main.py", 6),
            "a ConfigParser's get() returns text",
            "localhost 2",
        ),
    ],
    ids=["argparse-name", "json-backslash", "number-called", "config-number"],
)
def test_the_slip_is_named_where_it_is_and_its_fix_runs(
    tmp_path: Path, code: str, others: dict[str, str], where: tuple[str, int], said: str, prints: str
) -> None:
    found = run_python(tmp_path, code, others=others)
    assert names_a_cause(found) and placed(found, where[1], where[0]) and said in found.message, found.message
    done = run_fixed(tmp_path, found)
    assert done.returncode == 0 and done.stdout.strip() == prints, done.stderr


def test_a_copied_character_in_a_header_is_named_with_its_header(tmp_path: Path) -> None:
    code = (
        "import urllib.request\n\nHEADERS = {\n    'User-Agent': 'Mozilla/5.0 (X11) Chrome/79.0\u2026 Safari',\n}\n"
        "urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:9/', headers=HEADERS))\n"
    )
    found = run_python(tmp_path, code)
    assert names_a_cause(found) and placed(found, 4, "main.py") and "the User-Agent header" in found.message
    edit = edit_of(found)
    assert edit is not None and "Chrome/79.0... Safari" in edit.new_text


def test_a_writer_given_the_inputs_header_gets_the_new_column(tmp_path: Path) -> None:
    code = (
        "import csv\nimport sys\n\nreader = csv.DictReader(['id', '1'])\nwriter = csv.DictWriter(sys.stdout, "
        "fieldnames=reader.fieldnames)\nfor row in reader:\n    row['twice'] = int(row['id']) * 2\n"
        "    writer.writerow(row)\n"
    )
    found = run_python(tmp_path, code)
    assert names_a_cause(found) and placed(found, 5, "main.py") and "'twice'" in found.message
    done = run_fixed(tmp_path, found)
    assert done.returncode == 0 and done.stdout.strip() == "1,2", done.stderr


def test_a_field_after_an_inherited_default_is_made_keyword_only(tmp_path: Path) -> None:
    code = (
        "from dataclasses import dataclass\n\n\n@dataclass\nclass Base:\n    name: str\n    active: bool = True\n\n\n"
        "@dataclass\nclass Admin(Base):\n    rights: list\n\n\nprint(Admin('ann', rights=['x']).rights)\n"
    )
    found = run_python(tmp_path, code)
    assert names_a_cause(found) and placed(found, 12, "main.py") and "Base's active has a default" in found.message
    done = run_fixed(tmp_path, found)
    assert done.returncode == 0 and done.stdout.strip() == "['x']", done.stderr


def test_getattr_reading_an_attribute_never_set_is_named(tmp_path: Path) -> None:
    code = (
        "class Proxy:\n    def __init__(self):\n        self.name = 'p'\n\n    def __getattr__(self, attr):\n"
        "        return getattr(self.target, attr)\n\n\nprint(Proxy().size)\n"
    )
    found = run_python(tmp_path, code)
    assert names_a_cause(found) and placed(found, 6, "main.py")
    assert "self.target, which nothing ever sets" in found.message


def test_a_variable_sourced_without_export_is_named_in_its_file(tmp_path: Path) -> None:
    from tests.unit.test_offline_evidence_guards import shell

    (tmp_path / "app.py").write_text("import os\n\nprint(os.environ['DB_NAME'])\n")
    found = shell(tmp_path, {"db.env": "DB_HOST=localhost\nDB_NAME=shop\n"}, "source db.env && python3 app.py")
    assert names_a_cause(found) and placed(found, 2, "db.env") and "without export" in found.message


def test_a_script_that_exports_run_in_a_child_shell_is_told_to_be_sourced(tmp_path: Path) -> None:
    from tests.unit.test_offline_evidence_guards import shell

    (tmp_path / "app.py").write_text("import os\n\nprint(os.environ['APP_HOME'])\n")
    found = shell(tmp_path, {"setup.sh": 'export APP_HOME="$PWD"\n'}, "bash setup.sh && python3 app.py")
    assert names_a_cause(found) and "child shell" in found.message and "source setup.sh" in found.message


def test_an_unset_variable_with_no_such_step_keeps_the_plain_advice(tmp_path: Path) -> None:
    found = run_python(tmp_path, "import os\n\nprint(os.environ['NOPE_NOT_SET'])\n")
    assert "is not set in the shell that ran this" in found.message


def test_a_header_given_as_a_number_is_quoted(tmp_path: Path) -> None:
    code = (
        "import requests\n\nHEADERS = {\n    'DNT': 1,\n}\ntry:\n"
        "    requests.get('http://127.0.0.1:9/', headers=HEADERS, timeout=5)\nexcept Exception as error:\n"
        "    print('[ERROR]', error)\n    raise SystemExit(1)\n"
    )
    found = run_python(tmp_path, code)
    assert names_a_cause(found) and placed(found, 4, "main.py") and "header values must be text" in found.message
    edit = edit_of(found)
    assert edit is not None and edit.new_text == "    'DNT': '1',\n"


def test_a_programs_own_error_line_is_a_hint_never_silence(tmp_path: Path) -> None:
    code = (
        "try:\n    {}['k']\nexcept KeyError as error:\n    print('[ERROR] lookup failed:', error)\n"
        "    raise SystemExit(2)\n"
    )
    found = run_python(tmp_path, code)
    assert "[ERROR] lookup failed" in found.message and "senior dev" in found.message


def test_a_message_with_parentheses_given_to_match_is_escaped(tmp_path: Path) -> None:
    from tests.unit.test_offline_evidence_guards import shell

    test = (
        "import pytest\n\nmsg = 'size (2) is not (3)'\n\n\ndef test_it():\n"
        "    with pytest.raises(ValueError, match=msg):\n        raise ValueError('size (2) is not (3)')\n"
    )
    command = f"{sys.executable} -m pytest -q -p no:cacheprovider test_it.py"
    found = shell(tmp_path, {"test_it.py": test}, command)
    assert names_a_cause(found) and placed(found, 3, "test_it.py") and "re.escape(msg)" in found.message
    edit = edit_of(found)
    assert edit is not None and found.place is not None
    path = found.place.path
    path.write_text(patch_lines(path.read_text(), edit.start_line, edit.end_line, edit.new_text))
    done = subprocess.run(command.split(), cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout


def test_a_project_reading_its_own_version_while_not_installed(tmp_path: Path) -> None:
    from tests.unit.test_offline_evidence_guards import shell

    (tmp_path / "tinyproj").mkdir()
    files = {
        "pyproject.toml": '[project]\nname = "tinyproj"\nversion = "0.1"\n',
        "tinyproj/__init__.py": "import importlib.metadata\n\n__version__ = importlib.metadata.version(__package__)\n",
        "tinyproj/__main__.py": "from tinyproj import __version__\n\nprint(__version__)\n",
    }
    found = shell(tmp_path, files, f"{sys.executable} -m tinyproj")
    assert names_a_cause(found) and placed(found, 3, "__init__.py") and "pip install -e ." in found.message
