"""Fixtures every browser test shares."""

from __future__ import annotations

import pytest

from tests.e2e.tools import E2ETools, find_tools


@pytest.fixture
def tools() -> E2ETools:
    """Node, code-server, the .vsix and Chromium (a failure on CI when missing, where `make test` installs them)."""
    return find_tools()
