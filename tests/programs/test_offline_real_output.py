"""The catalogue entries that need more than a failing script: real output of Python, an HTTP server, bash and
the type checker / linter this project already runs, fed to the offline advisor."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from livepair.backends.offline.advisor import OfflineBackend
from livepair.backends.offline.catalogue import DIAGNOSTIC_FAMILIES, Catalogue
from livepair.context.store import ContextStore
from livepair.model import TerminalRun

CATALOGUE = Catalogue()
VENV_BIN = Path(sys.executable).parent


def advisor(root: Path) -> OfflineBackend:
    store = ContextStore(lambda uri: None)
    store.root = root
    return OfflineBackend(store, CATALOGUE)


def run(root: Path, *command: str) -> TerminalRun:
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=60)
    return TerminalRun(" ".join(command), done.stdout + done.stderr, done.returncode, str(root))


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens once the socket is closed


PROGRAMS = [
    ("x = 1\nif x:\nprint(x)\n", "indentation-error", 3, "not indented under the 'if' statement on line 2"),
    ("x = (1,\n", "syntax-error", 1, "was never closed"),
    ("from json import nothing_here\n", "import-error", 1, "'json' has no 'nothing_here'"),
]


@pytest.mark.parametrize(("source", "entry", "line", "words"), PROGRAMS, ids=[p[1] for p in PROGRAMS])
def test_python_errors(tmp_path: Path, source: str, entry: str, line: int, words: str) -> None:
    (tmp_path / "prog.py").write_text(source)
    result = run(tmp_path, sys.executable, "prog.py")
    hit = CATALOGUE.match_output(result.output)
    assert hit is not None and hit[0].entry.id == entry
    found = advisor(tmp_path).advise_run(result)
    assert found is not None and words in found.message
    assert found.place is not None and (found.place.path.name, found.place.line) == ("prog.py", line)


def test_connection_refused(tmp_path: Path, closed_port: int) -> None:
    (tmp_path / "fetch.py").write_text(
        f"import urllib.request\nurllib.request.urlopen('http://127.0.0.1:{closed_port}/')\n"
    )
    found = advisor(tmp_path).advise_run(run(tmp_path, sys.executable, "fetch.py"))
    assert found is not None and "network call failed" in found.message
    assert found.place is not None and found.place.line == 2


@pytest.mark.parametrize(("status", "words"), [(401, "401 Unauthorized"), (403, "403 Forbidden"), (429, "429")])
def test_http_errors(tmp_path: Path, http_errors: str, status: int, words: str) -> None:
    (tmp_path / "api.py").write_text(f"import urllib.request\nurllib.request.urlopen('{http_errors}/{status}')\n")
    found = advisor(tmp_path).advise_run(run(tmp_path, sys.executable, "api.py"))
    assert found is not None and words in found.message
    assert found.place is not None and found.place.line == 2


def test_script_without_execute_permission(tmp_path: Path) -> None:
    (tmp_path / "deploy.sh").write_text("echo deploying\n")
    found = advisor(tmp_path).advise_run(run(tmp_path, "bash", "-c", "./deploy.sh"))
    assert found is not None and "'./deploy.sh' is not executable" in found.message


def test_type_checker_and_linter_diagnostics(tmp_path: Path) -> None:
    (tmp_path / "pr.py").write_text(
        "import os\nimport requests_not_installed_here\n\n\ndef f(flag: bool) -> None:\n    if flag:\n"
        "        result = 1\n    print(result)\n\n\ndef g() -> None:\n    value = None\n    value.read()\n\n\n"
        'print(confg)\nAPI_KEY = "YOUR_API_KEY"\n'
    )
    pyright = run(tmp_path, str(VENV_BIN / "pyright"), "pr.py").output
    ruff = run(tmp_path, str(VENV_BIN / "ruff"), "check", "--select", "F", "--output-format", "concise", "pr.py").output
    messages = [line for line in (pyright + ruff).splitlines() if "pr.py:" in line]
    heard = {m.entry.id for line in messages if (m := CATALOGUE.match(line, DIAGNOSTIC_FAMILIES))}
    assert {"unresolved-import", "possibly-unbound", "optional-member", "undefined-name", "unused-import"} <= heard
    for line in messages:
        m = CATALOGUE.match(line, DIAGNOSTIC_FAMILIES)
        assert m is not None and m.missing() == set(), line


async def test_invalid_api_key_from_the_real_sdk(tmp_path: Path) -> None:
    from tests.fakes.live_server import FakeLiveServer

    (tmp_path / "chat.py").write_text(
        'import asyncio, os\nfrom google import genai\n\nAPI_KEY = "YOUR_API_KEY"\n\n\nasync def main():\n'
        "    client = genai.Client(api_key=os.environ['GEMINI_API_KEY'])\n"
        "    async with client.aio.live.connect(model='m', config={'response_modalities': ['TEXT']}):\n"
        "        pass\n\nasyncio.run(main())\n"
    )
    async with FakeLiveServer(api_key="the-right-key") as fake:
        env = fake.subprocess_env() | {"GEMINI_API_KEY": "YOUR_API_KEY"}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "chat.py", cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
        )
        _, err = await asyncio.wait_for(proc.communicate(), 60)
    output = err.decode()
    assert "API key not valid" in output  # what the real SDK prints
    found = advisor(tmp_path).advise_run(TerminalRun("python chat.py", output, proc.returncode, str(tmp_path)))
    assert found is not None and found.place is not None and found.place.line == 4
    assert "rejected the API key" in found.message and '"YOUR_API_KEY"' in found.message


def test_permission_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("x")
    locked.chmod(0)
    # root ignores file modes; the kernel's notes stay read-only even for root
    target = "/sys/kernel/notes" if os.geteuid() == 0 else str(locked)
    (tmp_path / "save.py").write_text(f"with open({target!r}, 'w') as f:\n    f.write('x')\n")
    found = advisor(tmp_path).advise_run(run(tmp_path, sys.executable, "save.py"))
    assert found is not None and f"No permission to access '{target}'" in found.message
    assert found.place is not None and found.place.line == 1
