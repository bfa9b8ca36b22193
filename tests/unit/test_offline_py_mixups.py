"""One thing taken for another (py_mixups.py): each program is run for real and advised on, and where an edit is
offered it is applied and the program run again: it then does what it was written to do."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from livepair.advice.verify import patch_lines
from livepair.backends.offline.enrich import Finding
from tests.unit.offline_runs import edit_of, names_a_cause
from tests.unit.test_offline_hidden_errors import placed, run_python


def run_fixed(tmp_path: Path, found: Finding, name: str = "main.py") -> subprocess.CompletedProcess[str]:
    edit = edit_of(found)
    assert edit is not None and found.place is not None
    path = found.place.path
    path.write_text(patch_lines(path.read_text(), edit.start_line, edit.end_line, edit.new_text))
    return subprocess.run([sys.executable, name], cwd=tmp_path, capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize(
    ("code", "line", "said", "prints"),
    [
        (  # the module called like its class
            "import datetime\n\nday = datetime(2021, 8, 16)\nprint(day.year)\n",
            1,
            "from datetime import datetime",
            "2021",
        ),
        (  # the class used like its module
            "from datetime import datetime\n\nstart = datetime.datetime.fromisoformat('2018-07-17')\n"
            "print(start.month)\n",
            3,
            "Write datetime.fromisoformat directly",
            "7",
        ),
        (  # bytes written to a file opened for text
            "data = bytes([104, 105])\nwith open('out.bin', 'w') as out:\n    out.write(data)\n"
            "print(open('out.bin').read())\n",
            2,
            "binary mode ('wb')",
            "hi",
        ),
        (  # a command line given as one program name
            "import subprocess\n\nline = 'echo hello there'\nprint(subprocess.run(line, capture_output=True, text=True)"
            ".stdout.strip())\n",
            4,
            "shlex.split",
            "hello there",
        ),
        (  # JSON text read like the data
            "import json\n\nbody = '{\"items\": [1, 2]}'\ndata = json.dumps(body)\nprint(len(data['items']))\n",
            4,
            "json.loads",
            "2",
        ),
    ],
    ids=["module-called", "class-as-module", "bytes-to-text-file", "one-string-command", "dumps-indexed"],
)
def test_the_mixup_is_named_where_it_is_made_and_its_fix_runs(
    tmp_path: Path, code: str, line: int, said: str, prints: str
) -> None:
    found = run_python(tmp_path, code)
    assert names_a_cause(found) and placed(found, line, "main.py") and said in found.message, found.message
    done = run_fixed(tmp_path, found)
    assert done.returncode == 0 and done.stdout.strip() == prints, done.stderr


def test_a_module_used_as_one_elsewhere_keeps_its_import(tmp_path: Path) -> None:
    code = "import datetime\n\nstep = datetime.timedelta(days=1)\nday = datetime(2021, 8, 16)\n"
    found = run_python(tmp_path, code)
    assert "or call datetime.datetime(...)" in found.message and edit_of(found) is None


def test_shell_true_is_never_the_advice_for_a_one_string_command(tmp_path: Path) -> None:
    code = "import subprocess\n\nsubprocess.run('ls -l /')\n"
    found = run_python(tmp_path, code)
    assert "shell=True" not in found.message and "shlex.split" in found.message


def test_a_table_from_an_older_schema_is_named_with_the_schema_that_kept_it(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "app.db") as old:
        old.execute("CREATE TABLE visits (id INTEGER PRIMARY KEY, url TEXT)")
    code = (
        "import sqlite3\n\nconn = sqlite3.connect('app.db')\n"
        "conn.execute('CREATE TABLE IF NOT EXISTS visits (id INTEGER PRIMARY KEY, url TEXT, agent TEXT)')\n"
        "conn.execute('INSERT INTO visits (url, agent) VALUES (?, ?)', ('/', 'curl'))\n"
    )
    found = run_python(tmp_path, code)
    assert names_a_cause(found) and placed(found, 4, "main.py")
    assert "ALTER TABLE visits ADD COLUMN agent" in found.message and "older schema" in found.message


def test_a_thread_started_twice_names_the_first_start(tmp_path: Path) -> None:
    code = "import threading\n\nt = threading.Thread(target=print, args=('x',))\nt.start()\nt.start()\n"
    found = run_python(tmp_path, code)
    assert names_a_cause(found) and placed(found, 5, "main.py") and "started already, on line 4" in found.message


def test_a_csv_field_over_the_limit_is_placed_on_the_reader(tmp_path: Path) -> None:
    (tmp_path / "rows.csv").write_text("a,b\n1," + "x" * 200_000 + "\n")
    code = "import csv\n\nwith open('rows.csv', newline='') as f:\n    rows = list(csv.reader(f))\nprint(len(rows))\n"
    found = run_python(tmp_path, code)
    assert names_a_cause(found) and placed(found, 4, "main.py") and "csv.field_size_limit" in found.message


def test_text_given_as_a_request_body_is_encoded_where_it_is_made(tmp_path: Path) -> None:
    code = (
        "import json\nimport urllib.request\n\nbody = json.dumps({'a': 1})\n"
        "urllib.request.urlopen('http://127.0.0.1:9/', body)\n"
    )
    found = run_python(tmp_path, code)
    assert names_a_cause(found) and placed(found, 4, "main.py")
    edit = edit_of(found)
    assert edit is not None and edit.new_text == "body = json.dumps({'a': 1}).encode()\n"


def test_a_url_with_a_space_is_quoted_where_it_is_built(tmp_path: Path) -> None:
    code = (
        "import urllib.request\n\ncity = 'New York'\nurl = 'http://127.0.0.1:9/weather?q=' + city\n"
        "urllib.request.urlopen(url)\n"
    )
    found = run_python(tmp_path, code)
    assert names_a_cause(found) and placed(found, 4, "main.py") and "percent-encoded" in found.message
    edit = edit_of(found)
    assert edit is not None and "urllib.parse.quote(city)" in edit.new_text


def test_an_exception_not_named_error_is_a_hint_never_silence(tmp_path: Path) -> None:
    code = "class Refused(Exception):\n    pass\n\n\ndef check():\n    raise Refused('quota used up')\n\n\ncheck()\n"
    found = run_python(tmp_path, code)
    assert "Refused: quota used up" in found.message and placed(found, 6, "main.py") and "senior dev" in found.message
