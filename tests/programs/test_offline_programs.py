"""Real failing programs, run for real: the offline advisor names the cause and the line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from livepair.backends.offline.advisor import OfflineBackend
from livepair.backends.offline.catalogue import Catalogue
from livepair.context.store import ContextStore
from livepair.model import TerminalRun

CATALOGUE = Catalogue()


# (program, the line it fails on, words the advice must contain)
PROGRAMS = [
    (
        "import json\n\nwith open('cfg/settings.json') as f:\n    json.load(f)\n",
        3,
        ["'cfg/settings.json'", "exists at"],
    ),
    ("import reqests_not_here\n", 1, ["reqests_not_here", "pip install"]),
    ("config = {}\nprint(confg)\n", 2, ["'confg'", "Did you mean 'config'"]),
    ("d = {'a': 1}\nd['city']\n", 2, ["'city'", ".get("]),
    ("x = []\nx[3]\n", 2, ["index out of range"]),
    ("total = 0\nprint(10 / total)\n", 2, ["Division by zero"]),
    ("value = None\nvalue.read()\n", 2, ["'read'", "None"]),
    ("print('a' + 1)\n", 1, ["wrong type"]),
    ("def f():\n    return f()\nf()\n", 2, ["base case"]),
    ("import json\njson.loads('')\n", 2, ["not valid JSON"]),
    ("open('blob.bin', 'wb').write(b'\\xff\\xfe\\xfa')\nopen('blob.bin').read()\n", 2, ["not valid utf-8"]),
    ("int('abc')\n", 1, ["wrong content"]),
]


@pytest.mark.parametrize(("source", "line", "words"), PROGRAMS, ids=[p[2][0] for p in PROGRAMS])
def test_real_failures_get_specific_advice_on_the_right_line(
    tmp_path: Path, source: str, line: int, words: list[str]
) -> None:
    (tmp_path / "cfg" / "nested").mkdir(parents=True)
    (tmp_path / "cfg" / "nested" / "settings.json").write_text("{}")
    (tmp_path / "prog.py").write_text(source)
    run = subprocess.run([sys.executable, "prog.py"], cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert run.returncode != 0
    store = ContextStore(lambda uri: None)
    store.root = tmp_path
    found = OfflineBackend(store, CATALOGUE).advise_run(TerminalRun("python prog.py", run.stderr, 1, str(tmp_path)))
    assert found is not None, run.stderr
    assert found.place is not None and found.place.path.name == "prog.py" and found.place.line == line
    for word in words:
        assert word in found.message, (word, found.message)


def test_shell_and_http_errors(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text('import os\nGEMINI_API_KEY = "your-api-key-here"\n')
    store = ContextStore(lambda uri: None)
    store.root = tmp_path
    advisor = OfflineBackend(store, CATALOGUE)
    run = subprocess.run(["bash", "-c", "pyhton app.py"], capture_output=True, text=True, timeout=30)
    found = advisor.advise_run(TerminalRun("pyhton app.py", run.stderr, run.returncode, str(tmp_path)))
    assert found is not None and "'pyhton'" in found.message and "PATH" in found.message
    output = "google.genai.errors.ClientError: 400 INVALID_ARGUMENT. API key not valid. Please pass a valid API key."
    found = advisor.advise_run(TerminalRun("python app.py", output, 1, str(tmp_path)))
    assert found is not None and found.place is not None and found.place.line == 2
    assert 'os.environ["GEMINI_API_KEY"]' in found.message and "your-api-key-here" in found.message


def test_nameerror_fix_renames_on_the_line(tmp_path: Path) -> None:
    (tmp_path / "prog.py").write_text("results = [1]\nprint(len(reslts))\n")
    run = subprocess.run([sys.executable, "prog.py"], cwd=tmp_path, capture_output=True, text=True, timeout=30)
    store = ContextStore(lambda uri: None)
    store.root = tmp_path
    found = OfflineBackend(store, CATALOGUE).advise_run(TerminalRun("python prog.py", run.stderr, 1, str(tmp_path)))
    assert found is not None and found.fix is not None
    assert (found.fix.line, found.fix.new_text) == (2, "print(len(results))")
