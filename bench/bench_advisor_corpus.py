"""The offline advisor on failures people reported publicly (tests/corpora/failures), each run for real.

Prints the development set and the frozen test set apart: precision (right of the diagnoses), coverage (spoken of
all: diagnoses and honest hints), harmful, fixes offered / verified / past the error, and output -> advice p99.
Baseline in the same run: the catalogue alone (the advisor before evidence-based detectors), on the same outputs.
Then the daemon's own check of its fixes: each diagnosis's fix of a run it can re-run (Python, a shell script, Node)
re-run in the sandbox (session/fix_rerun.py), as the advisor does before it offers one, with how long that takes (it
comes after the hint, not before it). A trial fix is offered only after that re-run, so the corpus runner's "fixes
offered" already counts only the trials it proved.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.stats import percentile, report
from livepair.backends.offline.recheck import plan
from livepair.session.fix_rerun import SandboxRerun
from tests.corpora import failures_runner as corpus
from tests.corpora.servers import running


async def _rerun_fixes(outcomes: list[corpus.Outcome]) -> tuple[dict[bool | None, int], list[float]]:
    """Each diagnosis's fix of a command that can be re-run, re-run in the sandbox on a fresh copy of its case."""
    verdicts: dict[bool | None, int] = {True: 0, False: 0, None: 0}
    seconds: list[float] = []
    port = SandboxRerun()
    with running() as servers:
        for o in outcomes:
            found = o.finding
            if found is None or found.fix is None or found.place is None:
                continue
            with tempfile.TemporaryDirectory() as tmp:
                root = Path(tmp) / "work"
                root.mkdir()
                corpus._write(root, o.case, servers)
                root.chmod(0o755)  # the sandbox runs the program as nobody: it must read the workspace
                done = corpus._execute(root, o.case, servers)  # this copy's own output (its paths)
                moved = replace(found, place=replace(found.place, path=root / _in_case(found.place.path)))
                cwd = root / o.case.cwd
                rerun = plan(o.case.run, done.stdout + done.stderr, root, cwd, moved, _read)
                if rerun is None:
                    continue
                start = time.perf_counter()
                verdicts[await port(rerun)] += 1
                seconds.append(time.perf_counter() - start)
    return verdicts, seconds


def _in_case(path: Path) -> Path:
    """A path in a case's (gone) temp copy, relative to that copy: what follows its .../tmpXXXX/work/."""
    parts = path.parts
    at = next(i for i in range(1, len(parts)) if parts[i] == "work" and parts[i - 1].startswith("tmp"))
    return Path(*parts[at + 1 :])


def _read(path: Path) -> str | None:
    return path.read_text() if path.is_file() else None


def run() -> None:
    outcomes = corpus.run_all()
    by_split = {split: [o for o in outcomes if o.case.split == split] for split in ("dev", "test")}
    for split, group in by_split.items():
        print(corpus.score(group).line(f"{split} set"))
        blind = [o for o in group if corpus.is_blind(o.case)]  # written after the advisor: generalisation
        print("  " + corpus.score(blind).line(f"{split} set, blind batches only"))
    langs = sorted({o.case.lang for o in outcomes})
    print("  by language: " + "; ".join(
        f"{lang} {len([o for o in outcomes if o.case.lang == lang])}" for lang in langs
    ))  # fmt: skip
    test = corpus.score(by_split["test"])
    every = corpus.score(outcomes)
    report("advisor corpus (frozen test set) precision", f"{test.precision:.2f}", ">= 0.95", test.precision >= 0.95)
    report("advisor corpus (frozen test set) coverage", f"{test.coverage:.2f}", ">= 0.80", test.coverage >= 0.80)
    report("advisor corpus harmful (all cases)", str(every.harmful), "0", every.harmful == 0)
    fixed = f"{every.fixes_past_error}/{every.fixes}"
    report("advisor corpus fixes past the error", fixed, ">= 90%", every.fixes_past_error >= 0.9 * every.fixes)
    print(f"  machine load average (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    report("advisor corpus output -> advice p99", f"{every.p99_ms:.1f} ms", "< 50 ms", every.p99_ms < 50)
    report("advisor corpus output -> advice p99, CPU", f"{every.cpu_p99_ms:.1f} ms", "< 50 ms", every.cpu_p99_ms < 50)
    verdicts, seconds = asyncio.run(_rerun_fixes(outcomes))
    checked = verdicts[True] + verdicts[False]
    print(
        f"  fixes re-run in the sandbox (after the hint): {verdicts[True]} past the error, {verdicts[False]} not "
        f"(never offered), {verdicts[None]} without a verdict; p50 {percentile(seconds, 50) * 1000:.0f} ms, "
        f"p99 {percentile(seconds, 99) * 1000:.0f} ms per re-run"
    )
    report(
        "advisor corpus fixes re-run in the sandbox past the error",
        f"{verdicts[True]}/{checked}",
        ">= 90%",
        checked > 0 and verdicts[True] >= 0.9 * checked,
    )


if __name__ == "__main__":
    run()
