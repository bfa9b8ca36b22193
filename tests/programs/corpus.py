"""The offline advisor's corpus: real failing programs and commands (corpus/*.toml), run for real and judged.

Each case: files to write, a command, and what a senior dev would say — the file and line, words that name the
cause, and the fixed line (when a fix is right). A case is
- right: a hint on that file and line (or none, for a command with no file), naming the cause, with the expected
  fix if one is expected, and that fix, applied, gets the program past its error;
- harmful: it suggests installing a package the case does not allow, or offers a fix that is not the expected one
  or does not get the program past its error (a fix that "works" by changing what the program means);
- silent: nothing said.
A possible cause's trial fix (backends/offline/probation.py) counts as offered only when, as in the daemon, the
program re-run with it (here on a scratch copy) gets past its error; then it is judged like any fix.
Shared by tests/programs/test_offline_corpus.py and bench/bench_offline.py.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from livepair.advice.verify import patch_lines
from livepair.backends.offline.advisor import OfflineBackend
from livepair.backends.offline.catalogue import Catalogue
from livepair.backends.offline.enrich import Finding
from livepair.context.store import ContextStore
from livepair.model import TerminalRun
from tests import trial_fixes

CORPUS = Path(__file__).parent / "corpus"
CATALOGUE = Catalogue()
INSTALL = re.compile(r"pip install ([\w.\[\]-]+)")


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, str]
    run: str
    file: str  # "" for advice with no file
    line: int
    says: list[str]
    fix: str | None = None  # a line the fixed file must contain
    install: str | None = None  # the one distribution it may tell the user to install
    cwd: str = "."


@dataclass
class Outcome:
    case: Case
    output: str = ""
    finding: Finding | None = None
    seconds: float = 0.0  # error -> finding
    problems: list[str] = field(default_factory=list)
    harms: list[str] = field(default_factory=list)
    fix_works: bool | None = None  # None: no fix offered

    @property
    def verdict(self) -> str:
        if self.harms:
            return "harmful"
        if self.finding is None:
            return "silent"
        return "wrong" if self.problems else "right"


def load() -> list[Case]:
    cases: list[Case] = []
    for path in sorted(CORPUS.glob("*.toml")):
        for raw in tomllib.loads(path.read_text())["case"]:
            cases.append(Case(**{"file": "prog.py", "run": "python prog.py", **raw}))
    return cases


class _ApiServer(http.server.BaseHTTPRequestHandler):
    """/status/<code>: that HTTP error; /genai/...: the Gemini API's answer to a key it does not accept."""

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer()

    def _answer(self) -> None:
        if self.path.startswith("/status/"):
            self.send_error(int(self.path.split("/")[2]))
            return
        if self.path.startswith("/json/"):
            body = b"<html>Service down</html>" if "html" in self.path else b'{"city": "Lisbon"}'
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)
            return
        status, message, reason = 400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT"
        if "/models/gemini-9" in self.path:
            status, message, reason = 404, "models/gemini-9 is not found for API version v1beta", "NOT_FOUND"
        body = json.dumps({"error": {"code": status, "message": message, "status": reason}}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return None


@contextmanager
def api_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ApiServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY") and not k.startswith("PYTHON")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # `python` is this venv's
    return env | {"PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1", "LANG": "C.UTF-8"}


def _execute(root: Path, case: Case) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", case.run],
        cwd=root / case.cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(),
        stdin=subprocess.DEVNULL,
    )


def judge(case: Case, server: str) -> Outcome:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, text in case.files.items():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if text.startswith("hex:"):
                target.write_bytes(bytes.fromhex(text[4:]))
            else:
                target.write_text(text.replace("{server}", server))
        done = _execute(root, case)
        outcome = Outcome(case, done.stdout + done.stderr)
        store = ContextStore(lambda uri: None)
        store.root = root
        run = TerminalRun(case.run, outcome.output, done.returncode or 1, str(root / case.cwd))
        start = time.perf_counter()
        outcome.finding = found = OfflineBackend(store, CATALOGUE).advise_run(run)
        outcome.seconds = time.perf_counter() - start
        if found is not None:
            again = partial(_execute, case=case)  # the daemon's re-run, on a scratch copy
            shown = trial_fixes.offered(found, root, case.run, outcome.output, again, _error_line)
            _check(outcome, shown, root, server)
        return outcome


def _check(outcome: Outcome, found: Finding, root: Path, server: str) -> None:
    case = outcome.case
    for name in INSTALL.findall(found.message):
        if name != case.install:
            outcome.harms.append(f"suggests installing {name!r}")
    where = (found.place.path.relative_to(root).as_posix(), found.place.line) if found.place else ("", 0)
    if where != (case.file, case.line if case.file else 0):
        outcome.problems.append(f"at {where}, expected {(case.file, case.line)}")
    outcome.problems += [f"does not say {w!r}" for w in case.says if w not in found.message]
    if found.fix is None:
        if case.fix is not None:
            outcome.problems.append(f"no fix, expected one with {case.fix!r}")
        return
    assert found.place is not None
    path = found.place.path
    before = path.read_text()
    patched = patch_lines(before, found.fix.start_line, found.fix.end_line, found.fix.new_text)
    expected = case.fix.replace("{server}", server) if case.fix is not None else None
    if expected is None or expected not in patched.splitlines():
        outcome.harms.append(f"offers a fix that is not the right one: {found.fix.new_text!r}")
        return
    path.write_text(patched)
    again = _execute(root, case)
    outcome.fix_works = again.returncode == 0 or _error_line(again.stdout + again.stderr) != _error_line(outcome.output)
    if not outcome.fix_works:
        outcome.harms.append("the fixed program still fails the same way")


def _error_line(output: str) -> str | None:
    hit = CATALOGUE.match_output(output)
    return hit[1] if hit else None


def run_all(cases: list[Case] | None = None, workers: int = 8) -> list[Outcome]:
    cases = load() if cases is None else cases
    with api_server() as server, ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda c: judge(c, server), cases))
