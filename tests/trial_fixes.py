"""A possible cause's trial fix as the daemon shows it (backends/offline/probation.py, advisor.py): offered only when
the program, re-run with it, gets past its error. Shared by the corpus runners (tests/corpora, tests/programs)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from livepair.advice.verify import patch_lines
from livepair.backends.offline.enrich import Finding


def offered(
    found: Finding,
    root: Path,
    command: str,
    output: str,
    run_again: Callable[[Path], subprocess.CompletedProcess[str]],
    error_line: Callable[[str], str | None],
) -> Finding:
    """`found` with its trial as its fix when a re-run with it (`run_again` on a scratch copy of `root`) gets past
    the error `output` showed; as it was otherwise. A trial no re-run proves is never shown."""
    trial = getattr(found, "trial", None)  # first_seen's older advisors have no trials
    if found.fix is not None or trial is None or found.place is None:
        return found
    from livepair.backends.offline.recheck import rerunnable  # here: those older advisors lack it too

    if not rerunnable(command):
        return found
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "work"
        shutil.copytree(root, copy)
        path = copy / found.place.path.relative_to(root)
        path.write_text(patch_lines(path.read_text(), trial.start_line, trial.end_line, trial.new_text))
        again = run_again(copy)
    past = again.returncode == 0 or error_line(again.stdout + again.stderr) != error_line(output)
    return replace(found, fix=trial) if past else found
