"""The classic moment, as data: `python f.py` fails on a missing file and a placeholder API key.

Used by `livepair demo`, by the tests and by the example workspace, so all three tell the same story.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

F_PY = '''\
"""Ask a weather API about the city in the config file."""

import json
import urllib.request

API_KEY = "YOUR_API_KEY"

with open("data/config.json") as fh:
    config = json.load(fh)

url = f"https://weather.example/v1/now?key={API_KEY}&city={config['city']}"
print(urllib.request.urlopen(url).read())
'''
MISSING_FILE_LINE = 8  # 1-based: the open() call
API_KEY_LINE = 6
CONFIG_JSON = '{"city": "Lisbon"}\n'


def write_workspace(root: Path) -> Path:
    """f.py in `root`, with the config it needs one directory down (where the script does not look)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "f.py").write_text(F_PY)
    (root / "src" / "data").mkdir(parents=True, exist_ok=True)
    (root / "src" / "data" / "config.json").write_text(CONFIG_JSON)
    return root / "f.py"


def terminal_output(root: Path) -> str:
    """What the terminal shows after `python f.py` in `root`."""
    return (
        "Traceback (most recent call last):\n"
        f'  File "{root / "f.py"}", line {MISSING_FILE_LINE}, in <module>\n'
        '    with open("data/config.json") as fh:\n'
        "         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "FileNotFoundError: [Errno 2] No such file or directory: 'data/config.json'\n"
    )


def diagnostics() -> list[dict[str, Any]]:
    """What a Python language server reports for f.py (LSP JSON, 0-based lines)."""
    line = API_KEY_LINE - 1
    return [
        {
            "range": {"start": {"line": line, "character": 10}, "end": {"line": line, "character": 24}},
            "message": "Hard-coded placeholder API key",
            "severity": 2,
            "source": "secret-lint",
            "code": "placeholder-key",
        }
    ]
