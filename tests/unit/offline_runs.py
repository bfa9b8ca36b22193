"""Running a program again after the advice was applied, as the user would: the files written, the command run in
bash in the same folder. Shared by the offline advisor's tests that check an edit gets a program past its error."""

from __future__ import annotations

import subprocess
from pathlib import Path

from livepair.backends.offline.edits import Fix
from livepair.backends.offline.enrich import Finding
from livepair.backends.offline.honest import HONEST
from livepair.backends.offline.probation import POSSIBLE


def run_again(tmp_path: Path, command: str, files: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    for name, text in (files or {}).items():
        (tmp_path / name).write_text(text)
    return subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=60)


def names_a_cause(found: Finding) -> bool:
    """The advice names a cause: a diagnosis, or a possible cause (a claim whose kind has not earned a diagnosis
    yet, probation.py) — not a restatement that only says what it could not tell."""
    return HONEST not in found.message or found.message.startswith(POSSIBLE)


def edit_of(found: Finding) -> Fix | None:
    """The edit the user is offered: a diagnosis's fix, or a possible cause's trial (offered once its re-run in the
    sandbox gets past the error)."""
    return found.fix or found.trial
