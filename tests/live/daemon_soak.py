"""The soak through the daemon (issue 22, item 5): `livepair serve` over stdio, driven as an editor drives it, against
the Live service simulator (tests/fakes, the default model family with its field reports on).

Traffic: a question (`livepair.ask`) every `question_every` s; an edit (didChange), the cursor (editorState) and the
diagnostics every `traffic_every` s; a real failing run (`python f.py` in the workspace, its real traceback sent as
`livepair/terminal`) every `run_every` s; and every `fault_every` s a fault, in turn a 1011 close, a goAway mid-turn,
a stall (the socket stays open and silent), a broken frame and a refused resumption handle, fired at the next
question, when it arrives or mid-reply. Each connection also ends at the service's connection cap (`cap_s`, a goAway
first). Every question is counted as in test_chaos.check: answered once, twice (or more), told dropped, or lost.

Vitals: the daemon runs with `LIVEPAIR_VITALS_S` (livepair/aio.py), which puts a `vitals:` line on its stderr
(its pid and its asyncio task count, which nothing outside the process can see); at each line the driver reads RSS
and open fds from /proc/<pid>. Start = the first sample after warm-up, end = the last one.

Time: `python -m tests.live.daemon_soak` (`make soak`) runs `LIVEPAIR_SOAK_S` seconds (default 3600) in real time:
time scale 1, the service's own cadence (a 10-minute connection cap, the daemon's 20 s watchdog, real backoff).
The short run in `make test` (tests/live/test_daemon_soak.py) compresses: events come faster, and the daemon's
timers run at 0.25 (LIVEPAIR_LIVE_TIME_SCALE) so that a stall is noticed in 5 s rather than 20.

Exit status: non-zero if a question was lost or answered twice, or RSS grew more than 10 % from warm-up to the end.
The daemon's stderr goes to `LIVEPAIR_SOAK_LOG` (default `livepair-soak-daemon.log` in the temp directory).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from livepair.aio import VITALS_ENV
from livepair.backends.reconnect import TIME_SCALE_ENV
from livepair.scenario import diagnostics, write_workspace
from livepair.session.model_turn import CUT_OFF_MARK
from tests.fakes.live_server import FakeLiveServer
from tests.keys import API_KEY
from tests.live.soak_service import FAULTS, Service
from tests.live.test_chaos import stopped, told_dropped
from tests.live.test_exactly_once import MAX_RESTATEMENT, RESTATEMENT, finals_of
from tests.live.test_faults import model_finals
from tests.lsp.harness import EditorClient, settings_for, start_editor

VITALS = re.compile(r"vitals: pid=(\d+) rss_kb=(\d+) fds=(\d+) tasks=(\d+)")
MAX_RSS_GROWTH = 0.10
ASK_WAIT_S = 90.0  # how long the user waits for an answer before asking the next question anyway
LATE_S = 5.0  # after the last answer: a late or duplicate one would arrive by then


@dataclass(frozen=True)
class Plan:
    seconds: float
    question_every: float = 15.0
    traffic_every: float = 3.0
    run_every: float = 240.0
    fault_every: float = 180.0
    cap_s: float = 600.0  # the service's connection cap (~10 minutes)
    go_away_s: float = 10.0  # the time left a goAway announces
    time_scale: float = 1.0
    vitals_every: float = 20.0
    warm_up_s: float = 300.0

    @staticmethod
    def short(seconds: float) -> Plan:
        """The same traffic and faults, compressed into a minute or two (the pytest in `make test`)."""
        return Plan(seconds, 4.0, 1.0, 20.0, 12.0, 15.0, 3.0, 0.25, 2.0, seconds * 0.25)


@dataclass
class Sample:
    at: float
    rss_kb: int
    fds: int
    tasks: int


@dataclass
class Report:
    plan: Plan
    questions: list[str] = field(default_factory=list)
    once: int = 0
    twice: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    connections: int = 0
    attempts: int = 0
    faults: list[str] = field(default_factory=list)
    capped: int = 0
    runs: int = 0
    updates: int = 0
    retries: int = 0  # the user pressed Retry after the daemon stopped
    cuts: int = 0  # replies the simulator saw cut by a client message
    marked_cut: int = 0
    restatements: int = 0
    restatement_max: int = 0
    nested: int = 0
    closed_with: int | None = None
    samples: list[Sample] = field(default_factory=list)
    simulator_errors: list[str] = field(default_factory=list)

    def warm(self) -> Sample:
        after = [s for s in self.samples if s.at >= self.plan.warm_up_s]
        return after[0] if after else self.samples[0]

    def rss_growth(self) -> float:
        return self.samples[-1].rss_kb / self.warm().rss_kb - 1

    def failures(self) -> list[str]:
        out = []
        if self.lost:
            out.append(f"lost: {self.lost}")
        if self.twice:
            out.append(f"answered twice: {self.twice}")
        if not self.samples:
            out.append("no vitals from the daemon")
        elif self.rss_growth() > MAX_RSS_GROWTH:
            out.append(f"RSS grew {100 * self.rss_growth():+.1f}% after warm-up")
        if self.nested or self.restatement_max > MAX_RESTATEMENT:
            out.append(f"restatement: {self.nested} nested, largest {self.restatement_max} B")
        if self.simulator_errors:
            out.append(f"protocol errors at the simulator: {self.simulator_errors[:3]}")
        return out

    def summary(self) -> str:
        kinds = ", ".join(f"{self.faults.count(k)} {k}" for k in FAULTS)
        lat = sorted(self.latencies)
        p = (lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]) if lat else (lambda q: float("nan"))
        lines = [
            f"daemon soak, {self.plan.seconds:.0f} s (time scale {self.plan.time_scale:g}):",
            f"  questions {len(self.questions)}: answered once {self.once}, twice {len(self.twice)}, "
            f"told dropped {len(self.dropped)}, lost {len(self.lost)}; answer latency p50 {p(0.5):.1f} s, "
            f"p99 {p(0.99):.1f} s, max {lat[-1] if lat else float('nan'):.1f} s",
            f"  connections {self.connections} ({self.attempts} attempts), {self.capped} at the connection cap; "
            f"faults {len(self.faults)}: {kinds}; Retry pressed {self.retries}",
            f"  editor: {self.updates} edit/cursor/diagnostics rounds, {self.runs} failing runs; replies cut "
            f"{self.cuts}, marked cut {self.marked_cut}; restatements {self.restatements} (largest "
            f"{self.restatement_max} B, nested {self.nested}); closed with {self.closed_with}",
        ]
        if self.samples:
            w, e = self.warm(), self.samples[-1]
            peak = max(s.rss_kb for s in self.samples if s.at >= w.at)
            lines.append(
                f"  daemon after warm-up ({w.at:.0f} s) -> end ({e.at:.0f} s): RSS {w.rss_kb / 1024:.1f} -> "
                f"{e.rss_kb / 1024:.1f} MiB ({100 * self.rss_growth():+.1f}%, peak {peak / 1024:.1f} MiB), "
                f"tasks {w.tasks} -> {e.tasks}, fds {w.fds} -> {e.fds}"
            )
        lines += [f"  FAIL {f}" for f in self.failures()]
        return "\n".join(lines)


def proc_sample(pid: int, at: float, tasks: int) -> Sample:
    rss = next(int(r.split()[1]) for r in Path(f"/proc/{pid}/status").read_text().splitlines() if r.startswith("VmRSS"))
    return Sample(at, rss, len(os.listdir(f"/proc/{pid}/fd")), tasks)


async def take_stderr(editor: EditorClient, log: Path, report: Report, started: float, ending: asyncio.Event) -> None:
    """Read the daemon's stderr instead of pytest-lsp's forwarder: every line to the log, the vitals sampled
    until the session starts ending."""
    server = editor.lsp._server  # pytest-lsp keeps the process there
    forwarder = editor.lsp._stderr_forwarder
    assert server is not None and server.stderr is not None
    if forwarder is not None:
        forwarder.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await forwarder
    with log.open("ab") as out:
        while line := await server.stderr.readline():
            out.write(line)
            out.flush()  # a long run can be followed as it goes
            if not ending.is_set() and (m := VITALS.search(line.decode(errors="replace"))):
                with contextlib.suppress(OSError, StopIteration):  # the daemon just ended
                    report.samples.append(proc_sample(int(m[1]), time.monotonic() - started, int(m[4])))


async def every(seconds: float, action: Callable[[int], Awaitable[None]], until: float) -> None:
    n = 0
    while time.monotonic() < until:
        n += 1
        await asyncio.sleep(seconds)
        if time.monotonic() < until:
            await action(n)


async def soak(plan: Plan, log: Path) -> Report:
    report = Report(plan)
    with tempfile.TemporaryDirectory(prefix="livepair-soak-") as tmp:
        root = Path(tmp) / "ws"
        write_workspace(root)
        async with FakeLiveServer(api_key=API_KEY, session_timeout=plan.seconds + 3600) as fake:
            service = Service(fake, plan.cap_s, plan.go_away_s)
            fake.model = service.model
            env = fake.subprocess_env() | {TIME_SCALE_ENV: str(plan.time_scale), VITALS_ENV: str(plan.vitals_every)}
            env.pop("GEMINI_API_KEY")
            env.pop("GOOGLE_GEMINI_BASE_URL")
            editor = await start_editor(root, env, settings_for(fake))
            started = time.monotonic()
            ending = asyncio.Event()
            reader = asyncio.create_task(take_stderr(editor, log, report, started, ending))
            try:
                await _drive(editor, service, plan, report, root)
            finally:
                ending.set()
                await editor.lsp.shutdown_session()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(10):
                        await reader
                reader.cancel()
            _tally(report, editor, fake, service)
    return report


async def _drive(editor: EditorClient, service: Service, plan: Plan, report: Report, root: Path) -> None:
    uri = editor.open("f.py")
    await editor.command("livepair.start", {"apiKey": API_KEY})
    await editor.wait_state("listening", 30)
    until = time.monotonic() + plan.seconds

    async def questions() -> None:
        """The user asks, waits for the answer (or the word that it was dropped), and asks again ~15 s after."""
        n = 0
        while time.monotonic() < until:
            n += 1
            question = f"q{n}?"
            report.questions.append(question)
            asked = time.monotonic()
            await editor.command("livepair.ask", question)
            with contextlib.suppress(AssertionError):  # not settled in time: lost, unless it comes later
                await editor.wait_for(
                    lambda q=question: finals_of(editor, q) or told_dropped(editor, q), ASK_WAIT_S, question
                )
                if finals_of(editor, question):
                    report.latencies.append(time.monotonic() - asked)
            await asyncio.sleep(max(0.0, asked + plan.question_every - time.monotonic()))

    async def traffic(n: int) -> None:
        editor.replace_line(uri, 0, f'"""Ask a weather API (edit {n})."""')
        editor.send_editor_state(uri, n % 12)
        extra = [{**d, "message": f"{d['message']} ({n % 3})"} for d in diagnostics()] if n % 2 else diagnostics()
        editor.send_diagnostics(uri, extra)
        report.updates += 1

    async def failing_run(n: int) -> None:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "f.py", cwd=root, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        out, _ = await proc.communicate()
        assert proc.returncode != 0, "the scenario's f.py fails"
        editor.send_terminal("python f.py", out.decode(errors="replace"), proc.returncode)
        report.runs += 1

    async def fault(n: int) -> None:
        service.queue(FAULTS[(n - 1) % len(FAULTS)], "mid-reply" if n % 2 else "on-question")

    async def retry(n: int) -> None:  # the user presses Retry when the daemon says it stopped
        if stopped(editor):
            report.retries += 1
            await editor.command("livepair.retryNow")

    retrying = asyncio.create_task(every(1.0, retry, until + ASK_WAIT_S))  # also while the last answer comes
    loops = [asyncio.create_task(questions())] + [
        asyncio.create_task(every(period, action, until))
        for period, action in ((plan.traffic_every, traffic), (plan.run_every, failing_run), (plan.fault_every, fault))
    ]
    try:
        await asyncio.gather(*loops)
        await asyncio.sleep(LATE_S)  # a late or duplicate answer would arrive now
    finally:
        for task in [*loops, retrying]:
            task.cancel()
        await asyncio.gather(*loops, retrying, return_exceptions=True)


def _tally(report: Report, editor: EditorClient, fake: FakeLiveServer, service: Service) -> None:
    for question in report.questions:
        answers = finals_of(editor, question)
        if answers == 1:
            report.once += 1
        elif answers > 1:
            report.twice.append(question)
        elif told_dropped(editor, question):
            report.dropped.append(question)
        else:
            report.lost.append(question)
    report.connections = sum(1 for s in fake.sessions if s.accepted)
    report.attempts = len(fake.sessions)
    report.faults = list(service.fired)
    report.capped = service.capped
    report.cuts = sum(s.turns.interruptions for s in fake.sessions if s.turns is not None)
    report.marked_cut = sum(1 for t in model_finals(editor) if t.endswith(CUT_OFF_MARK))
    for s in fake.sessions:
        for m in s.messages:
            text = "".join(m.texts())
            if RESTATEMENT in text:
                report.restatements += 1
                report.nested += text.count(RESTATEMENT) > 1
                report.restatement_max = max(report.restatement_max, len(text.encode()))
    accepted = [s for s in fake.sessions if s.accepted]
    report.closed_with = accepted[-1].close_code if accepted else None
    report.simulator_errors = [repr(e)[:200] for e in fake.errors]


def main() -> int:
    plan = Plan(float(os.environ.get("LIVEPAIR_SOAK_S", "3600")))
    if plan.seconds < 600:  # a short run by hand: the compressed plan, or nothing would happen in it
        plan = Plan.short(plan.seconds)
    log = Path(os.environ.get("LIVEPAIR_SOAK_LOG") or Path(tempfile.gettempdir()) / "livepair-soak-daemon.log")
    print(f"daemon soak: {plan}; the daemon's stderr -> {log}", flush=True)
    report = asyncio.run(soak(plan, log))
    print(report.summary(), flush=True)
    return 1 if report.failures() else 0


if __name__ == "__main__":
    sys.exit(main())
