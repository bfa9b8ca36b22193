"""Running a program again after the advice was applied, as the user would: the files written, the command run in
bash in the same folder. Shared by the offline advisor's tests that check an edit gets a program past its error."""

from __future__ import annotations

import subprocess
from pathlib import Path


def run_again(tmp_path: Path, command: str, files: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    for name, text in (files or {}).items():
        (tmp_path / name).write_text(text)
    return subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=60)
