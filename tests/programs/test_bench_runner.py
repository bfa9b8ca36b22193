"""`make bench` always finishes: each part runs in its own process, a part that fails, misses or hangs prints its
own line and the next part still runs, and the exit code says whether every target was met."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import bench.__main__ as runner
from tests.e2e.tools import ROOT

PARTS = {
    "met": "from bench.stats import report\ndef run():\n    report('fast thing', '1 ms', '< 5 ms', True)\n",
    "missed": "from bench.stats import report\ndef run():\n    report('slow thing', '9 ms', '< 5 ms', False)\n",
    "broken": "def run():\n    raise TimeoutError('benchmark condition not reached')\n",
    "hangs": (
        "import time\ndef run():\n    try:\n        time.sleep(600)\n    finally:\n"
        "        print('cleaned up', flush=True)\n"
    ),
}


@pytest.fixture
def parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "fakeparts"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, source in PARTS.items():
        (package / f"{name}.py").write_text(source)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), str(ROOT), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setattr(runner, "PARTS", tuple((name, f"fakeparts.{name}") for name in PARTS))
    monkeypatch.setattr(runner, "PART_LIMIT_S", 3.0)


@pytest.mark.usefixtures("parts")
def test_every_part_runs_and_the_exit_code_says_a_target_was_missed(capfd: pytest.CaptureFixture[str]) -> None:
    assert runner.main([]) == 1
    out = capfd.readouterr().out
    assert "[PASS] fast thing" in out and "[MISS] slow thing" in out
    assert "[FAIL] fakeparts.broken: TimeoutError: benchmark condition not reached" in out
    assert "[FAIL] fakeparts.hangs: stopped at the runner's time limit" in out
    assert "cleaned up" in out  # the time limit unwinds the part: what it started is stopped
    summary = out[out.index("== summary ==") :]
    for line in (
        "fakeparts.met: all targets met",
        "fakeparts.missed: missed a target",
        "fakeparts.broken: failed",
        "fakeparts.hangs: failed",
    ):
        assert line in summary


@pytest.mark.usefixtures("parts")
def test_all_targets_met_exits_0(capfd: pytest.CaptureFixture[str]) -> None:
    assert runner.main(["fakeparts.met"]) == 0
    assert "fakeparts.met: all targets met" in capfd.readouterr().out
