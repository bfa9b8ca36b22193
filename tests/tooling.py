"""One rule for tests that need an outside tool: skip on a developer's machine without it, fail under CI.

`make test` (and so `.ci/run`, which sets CI=true) installs every tool the tests use, so on CI a missing tool is a
bug in the setup scripts, never a reason to pass quietly.
"""

from __future__ import annotations

import os
import shutil

import pytest


def tool_missing(message: str) -> None:
    """Fail under CI, skip otherwise."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def require_tool(*names: str, hint: str) -> None:
    """Every named executable is on PATH, or the test fails (CI) / skips (elsewhere) saying how to get it."""
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        tool_missing(f"{', '.join(missing)} missing: {hint}")
