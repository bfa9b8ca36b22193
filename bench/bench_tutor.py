"""Tutor mode over the offline advisor's corpus (tests/programs/corpus) and the public Node.js failures
(tests/corpora/failures/node.toml, run with node): the ladder each real failure gets.

Figures, for Python and for Node: first hints that contain the fix's code (target 0); first hints that name a
concept with a documentation link (>= 95 %); families (catalogue entries; Node's concepts) with at least three rungs
(>= 90 %); and, through the real daemon over
stdio, the time from a passing run to the learner's own fix being acknowledged (< 1 s). Baseline for the latency:
the first advice on a failing run in the same daemon, the same run. Then the tutor's requests spoken offline
(spoken_requests.py): share heard (>= 80 %), other sentences taken for a request (<= 2 %).
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from lsprotocol import types as lsp

from bench.bench_lsp import start_daemon, stop_daemon
from bench.spoken_requests import spoken_requests
from bench.stats import percentile, report, summary
from livepair.backends.offline.catalogue import Catalogue
from livepair.backends.offline.enrich import Finding
from livepair.backends.offline.lessons import concept_of, concepts, node_concepts
from livepair.backends.offline.teaching import OfflineTeacher
from tests.corpora import failures_runner
from tests.programs import corpus

DOCS = (
    "https://docs.python.org/",
    "https://nodejs.org/",
    "https://www.gnu.org/software/bash/manual/",
    "https://developer.mozilla.org/",
)
ROUNDS = 20
PROG = "scores = [3, 4, 5]\ntotal = sum(scores)\nprint(totl / len(scores))\n"


def ladder(found: Finding, cwd: str, output: str = "") -> list[tuple[str, dict[str, Any]]] | None:
    """What the teacher says and calls, question first, up to the fix."""
    said: list[tuple[str, dict[str, Any]]] = []
    teacher = OfflineTeacher("beginner", lambda name, args: said.append((name, args)), lambda _t, _p: None)
    if not teacher.teach(found, "prog.py", cwd, False, output=output):
        return None
    for _ in range(4):
        teacher.ask("hint")
    return said


def fix_code(found: Finding, original: str) -> list[str]:
    """The fix's lines that are new (not in the file before): the code a first hint must not give away."""
    if found.fix is None:
        return []
    before = {line.strip() for line in original.splitlines()}
    return [s for line in found.fix.new_text.splitlines() if (s := line.strip()) and s not in before]


# A located failure: its id, the finding, the run's folder, the file as it was, the run's output.
Located = tuple[str, Finding, str, str, str]


def ladders() -> None:
    done = corpus.run_all(workers=1)  # one at a time: ast.parse in threads trips a CPython 3.11 check
    python: list[Located] = [
        (o.case.id, o.finding, str(o.case.cwd), o.case.files.get(o.case.file, ""), "")
        for o in done
        if o.finding is not None and o.finding.place is not None
    ]
    entries = Catalogue().entries()
    rungs = {e.id: 1 + len(c.hints) + 1 for e in entries if (c := concept_of(e.id)) is not None}  # question, hints, fix
    score("Python", python, [rungs.get(e.id, 0) for e in entries])
    node_cases = [c for c in failures_runner.load() if c.lang == "node"]
    node: list[Located] = []
    for o in failures_runner.run_all(node_cases, workers=2):
        f = o.finding
        if f is not None and f.place is not None:
            original = o.case.files.get(o.case.root.split(":")[0], "")
            node.append((o.case.id, f, o.case.cwd, original, o.output))
    score("Node", node, [1 + len(concepts()[cid].hints) + 1 for cid in node_concepts()])


def score(label: str, located: list[Located], family_rungs: list[int]) -> None:
    leaks, linked, taught, with_fix = [], 0, 0, 0
    for case_id, found, cwd, original, output in located:
        said = ladder(found, cwd, output)
        if said is None:
            continue
        taught += 1
        first = next(args["hint"] for name, args in said if name == "give_hint")
        concept = next(args for name, args in said if name == "record_concept")
        code = fix_code(found, original)
        with_fix += bool(code)
        if any(line in first for line in code):
            leaks.append(case_id)
        if concept["name"] in first and any(d in first and concept["source"].startswith(d) for d in DOCS):
            linked += 1
    print(
        f"{label}: cases with a located finding: {len(located)}; taught as a ladder: {taught}; with a fix: {with_fix}"
    )
    report(f"{label}: first hints containing the fix's code", f"{len(leaks)} {leaks[:5]}", "0", not leaks)
    share = linked / max(taught, 1)
    report(
        f"{label}: first hints naming a concept with a docs link",
        f"{share:.1%} ({linked}/{taught})",
        ">= 95 %",
        share >= 0.95 and taught > 0,
    )
    three = sum(1 for n in family_rungs if n >= 3)
    fam = three / max(len(family_rungs), 1)
    report(f"{label}: families with >= 3 rungs", f"{fam:.1%} ({three}/{len(family_rungs)})", ">= 90 %", fam >= 0.9)


async def own_fix_latency() -> None:
    with TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "prog.py").write_text(PROG)
        transcripts: list[tuple[float, str]] = []
        changed = asyncio.Event()
        env = dict(os.environ) | {"LIVEPAIR_STATE_DIR": str(root / ".state")}
        client, _ = await start_daemon(root, env, {"mode": "tutor", "backend": "offline", "responseModality": "text"})

        def on_transcript(params: Any) -> None:
            if getattr(params, "final", False) and getattr(params, "role", "") == "model":
                transcripts.append((time.perf_counter(), str(params.text)))
                changed.set()

        client.protocol.fm.features["livepair/transcript"] = on_transcript  # start_daemon's was a no-op
        client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)(lambda _params: None)

        async def said_after(start: float, words: str) -> float:
            while not any(t >= start and words in text for t, text in transcripts):
                changed.clear()
                await asyncio.wait_for(changed.wait(), 10)
            return next(t for t, text in transcripts if t >= start and words in text) - start

        await client.workspace_execute_command_async(_command("livepair.start"))
        failing = (
            f'Traceback (most recent call last):\n  File "{root / "prog.py"}", line 3, in <module>\n'
            "    print(totl / len(scores))\nNameError: name 'totl' is not defined. Did you mean: 'total'?\n"
        )
        praised, questioned = [], []
        for n in range(ROUNDS):
            command = f"python prog.py  # round {n}"
            start = time.perf_counter()
            _terminal(client, command, failing, 1, root)
            questioned.append(await said_after(start, "?") * 1000)
            start = time.perf_counter()
            _terminal(client, command, "2.0\n", 0, root)
            praised.append(await said_after(start, "fixed it yourself") * 1000)
        await stop_daemon(client)
    print(f"own fix acknowledged: {summary(praised)}")
    print(f"  baseline (first question on a failing run): {summary(questioned)}")
    p99 = percentile(praised, 99)
    report("own-fix acknowledgement (p99)", f"{p99:.0f} ms", "< 1000 ms", p99 < 1000)


def _command(name: str) -> Any:
    return lsp.ExecuteCommandParams(name, [{}])


def _terminal(client: Any, command: str, output: str, code: int, root: Path) -> None:
    client.protocol.notify(
        "livepair/terminal", {"command": command, "output": output, "exitCode": code, "cwd": str(root)}
    )


def run() -> None:
    ladders()
    asyncio.run(own_fix_latency())
    spoken_requests()


if __name__ == "__main__":
    run()
