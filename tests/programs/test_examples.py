"""The examples workspace fails the way its README says, and the offline advisor explains each failure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from livepair import scenario
from livepair.backends.offline.advisor import OfflineBackend
from livepair.context.store import ContextStore
from livepair.model import TerminalRun

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_f_py_is_the_scenario() -> None:
    assert (EXAMPLES / "f.py").read_text() == scenario.F_PY
    assert (EXAMPLES / "src" / "data" / "config.json").read_text() == scenario.CONFIG_JSON


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ([sys.executable, "f.py"], ["'data/config.json'", "src/data/config.json"]),
        ([sys.executable, "weather_report.py"], ["requests_cache_missing_module", "spelling"]),
        ([sys.executable, "totals.py"], ["'grand_total_'", "Python suggests 'grand_total'"]),
        (["sh", "tools/deploy.sh"], ["'pyhton'", "PATH"]),
    ],
    ids=["f.py", "weather_report.py", "totals.py", "deploy.sh"],
)
def test_each_example_fails_and_is_explained(command: list[str], words: list[str]) -> None:
    run = subprocess.run(command, cwd=EXAMPLES, capture_output=True, text=True, timeout=30)
    assert run.returncode != 0
    store = ContextStore(lambda uri: None)
    store.root = EXAMPLES
    output = run.stdout + run.stderr
    found = OfflineBackend(store).advise_run(TerminalRun(" ".join(command), output, run.returncode, str(EXAMPLES)))
    assert found is not None, output
    for word in words:
        assert word in found.message, (word, found.message)
    assert found.place is not None and found.place.path.parent.name in ("examples", "tools")
    assert "pip install" not in found.message  # none of these is a package to install
