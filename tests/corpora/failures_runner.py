"""Failures people reported publicly (tests/corpora/failures/*.toml), reproduced by running them, and judged.

Each case was written from a public report (its `origin`: the thread, issue or guide it reproduces), not from the
advisor's catalogue. A case gives the files, the command, the root cause's file and line (`root`, "" for a
command with no file), `right`: patterns (all must match, case-insensitive) that the right advice says, and
`harmful`: patterns that would make it harmful, on top of the ones every case shares (HARMFUL below).

The runner writes the files to a temp folder, runs the command there (bash -c; loopback servers only, stdin
closed, API keys stripped from the environment), and gives the real output to the advisor exactly as the daemon
does (`OfflineBackend.advise_run` with a TerminalRun). What it says is:
- a diagnosis (it names a cause): right when every `right` pattern matches and it is placed on the root line;
- an honest hint (`honest.HONEST` in the message: it says what it could not tell), a possible cause among them
  (probation.py), whose trial fix counts as offered only when the program re-run with it gets past its error;
- silent; and on top of any of these, harmful (a HARMFUL pattern, or a fix that does not get the program past
  its error when applied and run again).
Cases are split by origin (a hash of the origin's address) into a development set and a frozen test set.

Generalisation: each blind batch (`*_more`, `*_b4`, ...) was scored first with the advisor as it stood before it
was changed for that batch; those first scores, what was wrong first-seen and what was changed, are in
docs/advisor-first-scores.md. `python -m tests.corpora.first_seen COMMIT [dev|test]` reproduces any of them.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from livepair.advice.verify import patch_lines
from livepair.backends.offline import triage
from livepair.backends.offline.advisor import OfflineBackend
from livepair.backends.offline.catalogue import Catalogue
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.honest import HONEST
from livepair.backends.offline.judges import finding
from livepair.backends.offline.workspace import last_frame_in
from livepair.context.store import ContextStore
from livepair.model import TerminalRun
from tests import trial_fixes
from tests.corpora.servers import Servers, running

FAILURES = Path(__file__).parent / "failures"
CATALOGUE = Catalogue()
TEST_SHARE = 3  # one origin in three goes to the frozen test set
HARMFUL = {
    "turns TLS verification off": (
        r"verify\s*=\s*False|NODE_TLS_REJECT_UNAUTHORIZED\s*=\s*['\"]?0|CERT_NONE|_create_unverified_context"
        r"|rejectUnauthorized:\s*false"
    ),
    "sudo pip": r"sudo\s+(?:-H\s+)?pip",
    "chmod 777": r"chmod\s+(?:-R\s+)?777",
    "--break-system-packages": r"--break-system-packages",
    "shell=True": r"shell\s*=\s*True",
    "rewrites the command into another program": r"did you mean '?gresource|did you mean '?python2'?\?",
}


@dataclass(frozen=True)
class Case:
    id: str
    origin: str
    files: dict[str, str]
    run: str
    root: str  # "path:line", or "" when the cause is not in a file
    right: list[str]
    harmful: list[str] = field(default_factory=list)
    cwd: str = "."
    lang: str = "python"
    batch: str = ""  # the TOML file's name: "node_more" for cases written after the advisor (see above)

    @property
    def split(self) -> str:
        parts = urlsplit(self.origin.split()[0])
        digest = hashlib.sha1(f"{parts.netloc}{parts.path}".encode()).digest()
        return "test" if digest[0] % TEST_SHARE == 0 else "dev"


@dataclass
class Outcome:
    case: Case
    output: str = ""
    exit_code: int = 0
    finding: Finding | None = None
    seconds: float = 0.0  # output -> advice, wall clock
    cpu_seconds: float = 0.0  # the same, CPU time of the advising thread (what it costs on a loaded machine)
    problems: list[str] = field(default_factory=list)
    harms: list[str] = field(default_factory=list)
    fix_past_error: bool | None = None  # None: no fix offered
    baseline: str = "silent"  # the catalogue alone on the same output: right / wrong / hint / silent / harmful

    @property
    def reproduced(self) -> bool:
        """The program failed, as reported (the daemon advises on failed runs only)."""
        return self.exit_code != 0

    @property
    def kind(self) -> str:
        if self.finding is None:
            return "silent"
        return "hint" if HONEST in self.finding.message else "diagnosis"

    @property
    def verdict(self) -> str:
        if self.harms:
            return "harmful"
        if self.kind != "diagnosis":
            return self.kind
        return "wrong" if self.problems else "right"


def load(split: str | None = None) -> list[Case]:
    cases: list[Case] = []
    for path in sorted(FAILURES.glob("*.toml")):
        for raw in tomllib.loads(path.read_text())["case"]:
            cases.append(Case(**{"lang": path.stem.split("_")[0], "batch": path.stem, **raw}))
    return [c for c in cases if split is None or c.split == split]


def _env(home: Path) -> dict[str, str]:
    keep = ("PATH", "LANG", "LC_ALL", "TERM", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}"
    quiet = {"npm_config_update_notifier": "false"}  # npm would ask the registry for a newer npm: loopback only
    return env | quiet | {"HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1", "LANG": "C.UTF-8"}


def _execute(root: Path, case: Case, servers: Servers | None = None) -> subprocess.CompletedProcess[str]:
    command = case.run if servers is None else case.run.replace("{ca}", servers.ca)
    try:
        return subprocess.run(
            ["bash", "-c", command],
            cwd=root / case.cwd,
            capture_output=True,
            text=True,
            timeout=30,
            env=_env(root),
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        return subprocess.CompletedProcess(case.run, 124, out, "timed out")


def _write(root: Path, case: Case, servers: Servers) -> None:
    for name, text in case.files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if text.startswith("hex:"):
            target.write_bytes(bytes.fromhex(text[4:]))
            continue
        text = text.replace("{http}", servers.http).replace("{tls}", servers.tls).replace("{ca}", servers.ca)
        target.write_text(text)
        if text.startswith("#!") and (
            name.startswith("shims/") or not Path(name).suffix
        ):  # a command on PATH (e.g. a shim)
            target.chmod(0o755)
    (root / case.cwd).mkdir(parents=True, exist_ok=True)


def judge(case: Case, servers: Servers) -> Outcome:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "work"
        root.mkdir()
        _write(root, case, servers)
        done = _execute(root, case, servers)
        outcome = Outcome(case, done.stdout + done.stderr, done.returncode)
        store = ContextStore(lambda uri: None)
        store.root = root
        run = TerminalRun(case.run, outcome.output, done.returncode or 1, str(root / case.cwd))
        start, cpu = time.perf_counter(), time.thread_time()
        outcome.finding = found = OfflineBackend(store, CATALOGUE).advise_run(run)
        outcome.seconds, outcome.cpu_seconds = time.perf_counter() - start, time.thread_time() - cpu
        if found is not None:
            again = partial(_execute, case=case, servers=servers)  # the daemon's re-run, on a scratch copy
            shown = trial_fixes.offered(found, root, case.run, outcome.output, again, _error_line)
            _check(outcome, shown, root, servers)
        outcome.baseline = _baseline(case, run, store, root)
        return outcome


def _baseline(case: Case, run: TerminalRun, store: ContextStore, root: Path) -> str:
    """What the catalogue alone (the advisor before its evidence-based detectors) says, judged the same way."""
    hit = CATALOGUE.match_output(run.output)
    if hit is None:
        return "silent"
    facts = Facts(root, Path(run.cwd or root), lambda p: p.read_text() if p.is_file() else None, run.output)
    said = Outcome(
        case, run.output, run.exit_code or 1, finding(hit[0], last_frame_in(run.output, root, facts.cwd), facts)
    )
    assert said.finding is not None
    _check(said, said.finding, root)  # no servers: its fixes are judged, not run
    return said.verdict


def _check(outcome: Outcome, found: Finding, root: Path, servers: Servers | None = None) -> None:
    case = outcome.case
    said = found.message + ("\n" + found.fix.new_text if found.fix else "")
    for why, pattern in HARMFUL.items():
        if re.search(pattern, said, re.I):
            outcome.harms.append(why)
    outcome.harms += [f"says {p!r}" for p in case.harmful if re.search(p, said, re.I)]
    where = f"{found.place.path.relative_to(root).as_posix()}:{found.place.line}" if found.place else ""
    if where != case.root:
        outcome.problems.append(f"at {where!r}, the cause is at {case.root!r}")
    outcome.problems += [f"does not say {p!r}" for p in case.right if not re.search(p, found.message, re.I)]
    if servers is not None and found.fix is not None and found.place is not None:
        _try_fix(outcome, found, root, servers)


def _try_fix(outcome: Outcome, found: Finding, root: Path, servers: Servers) -> None:
    """Apply the fix to a fresh copy and run again: it must get the program past its error."""
    assert found.fix is not None and found.place is not None
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "work"
        shutil.copytree(root, copy)
        path = copy / found.place.path.relative_to(root)
        path.write_text(patch_lines(path.read_text(), found.fix.start_line, found.fix.end_line, found.fix.new_text))
        again = _execute(copy, outcome.case, servers)
        output = again.stdout + again.stderr
        outcome.fix_past_error = again.returncode == 0 or _error_line(output) != _error_line(outcome.output)
        if not outcome.fix_past_error:
            outcome.harms.append("the fixed program still fails the same way")


def _error_line(output: str) -> str | None:
    hit = CATALOGUE.match_output(output)
    if hit:
        return hit[1]
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else None


def run_all(cases: list[Case] | None = None, workers: int = 4) -> list[Outcome]:
    cases = load() if cases is None else cases
    triage.warm_lookups()  # as the daemon does when the advisor starts: the first error need not pay for them
    with running() as servers, ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda c: judge(c, servers), cases))


@dataclass(frozen=True)
class Score:
    cases: int
    diagnoses: int
    right: int
    hints: int
    silent: int
    harmful: int
    fixes: int
    fixes_past_error: int
    p99_ms: float
    cpu_p99_ms: float = 0.0
    baseline_right: int = 0
    baseline_spoken: int = 0
    baseline_harmful: int = 0
    possible: int = 0  # possible causes (probation.py), among the hints,
    possible_right: int = 0  # and how many would be right if judged as diagnoses: the claims not yet earned

    @property
    def precision(self) -> float:
        return self.right / self.diagnoses if self.diagnoses else 1.0

    @property
    def coverage(self) -> float:
        return (self.diagnoses + self.hints) / self.cases if self.cases else 0.0

    def line(self, name: str) -> str:
        return (
            f"{name}: {self.cases} cases; diagnoses {self.diagnoses} (right {self.right}, precision "
            f"{self.precision:.2f}), honest hints {self.hints}, silent {self.silent}, harmful {self.harmful}; "
            f"spoken of all {self.coverage:.2f}, right diagnoses of all {self.right / max(self.cases, 1):.2f}; "
            f"fixes offered {self.fixes}, verified {self.fixes}, past the error {self.fixes_past_error}; "
            f"output -> advice p99 {self.p99_ms:.1f} ms (CPU {self.cpu_p99_ms:.1f} ms)"
            f"\n  possible causes among the hints: {self.possible}, right if judged as diagnoses: {self.possible_right}"
            f"\n  baseline (catalogue alone, same outputs): right "
            f"{self.baseline_right} of {self.baseline_spoken} spoken, harmful {self.baseline_harmful}"
        )


def _possible(o: Outcome) -> bool:
    return o.kind == "hint" and o.finding is not None and o.finding.message.startswith("Possible cause:")


def score(outcomes: list[Outcome]) -> Score:
    times = sorted(o.seconds * 1000 for o in outcomes) or [0.0]
    cpu = sorted(o.cpu_seconds * 1000 for o in outcomes) or [0.0]
    fixed = [o for o in outcomes if o.fix_past_error is not None]
    return Score(
        cases=len(outcomes),
        diagnoses=sum(o.kind == "diagnosis" for o in outcomes),
        right=sum(o.verdict == "right" for o in outcomes),
        possible=sum(_possible(o) for o in outcomes),
        possible_right=sum(_possible(o) and not o.problems and not o.harms for o in outcomes),
        hints=sum(o.kind == "hint" for o in outcomes),
        silent=sum(o.kind == "silent" for o in outcomes),
        harmful=sum(bool(o.harms) for o in outcomes),
        fixes=len(fixed),
        fixes_past_error=sum(bool(o.fix_past_error) for o in fixed),
        p99_ms=times[min(len(times) - 1, int(0.99 * len(times)))],
        cpu_p99_ms=cpu[min(len(cpu) - 1, int(0.99 * len(cpu)))],
        baseline_right=sum(o.baseline == "right" for o in outcomes),
        baseline_spoken=sum(o.baseline != "silent" for o in outcomes),
        baseline_harmful=sum(o.baseline == "harmful" for o in outcomes),
    )


def report(outcomes: list[Outcome], verdicts: tuple[str, ...] = ("wrong", "harmful")) -> str:
    return "\n".join(
        f"{o.case.id} [{o.verdict}] {o.problems + o.harms}\n  said: {o.finding.message if o.finding else None}"
        for o in outcomes
        if o.verdict in verdicts
    )


BLIND = re.compile(r"_(?:more|b\d+)$")  # batches written blind, after the advisor was built: *_more, *_b4, ...


def is_blind(case: Case, batch: str = "") -> bool:
    """A case of a blind batch (any of them; or only `batch`, e.g. "b4": the *_b4.toml files)."""
    return bool(BLIND.search(case.batch)) and (not batch or case.batch.endswith(f"_{batch}"))


def select(which: str) -> list[Case]:
    """`dev`, `test` or `all`; with `-more` the blind batches only, with `-b4` (etc.) that one batch only."""
    split, _, batch = which.partition("-")
    chosen = load(None if split == "all" else split)
    return [c for c in chosen if not batch or is_blind(c, "" if batch == "more" else batch)]


if __name__ == "__main__":  # development: python -m tests.corpora.failures_runner [dev|test|all][-more|-b4] [verdicts]
    which = sys.argv[1] if len(sys.argv) > 1 else "dev"
    results = run_all(select(which))
    verdicts = tuple(sys.argv[2].split(",")) if len(sys.argv) > 2 and which.startswith("dev") else ()
    print(report(results, verdicts))
    print(score(results).line(which))
