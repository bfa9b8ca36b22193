"""How an older advisor does on the cases it never saw: the honest measure of generalisation.

    python -m tests.corpora.first_seen COMMIT [dev|test]
    python -m tests.corpora.first_seen --claims


checks COMMIT out into a temporary git worktree, finds the corpus cases that did not exist at COMMIT, and judges
them with that commit's advisor (this checkout's runner and cases). Per case for the development set; totals only
for the frozen test set (its cases are never read while building). A change to the advisor helps generalisation
when the advisor it makes does better on cases added after it than its predecessor did on cases added after that.

`--claims` pools the development cases of every blind batch, each judged by the advisor before that batch
(FIRST_SEEN), and prints each detector's record: diagnoses right of spoken. It is the record probation.py
decides by (`earned`).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from tests.corpora import failures_runner as corpus

ROOT = Path(__file__).resolve().parents[2]
CASE_ID = re.compile(r'^id\s*=\s*"([^"]+)"', re.M)
# Each blind batch and the advisor that first judged it (docs/advisor-first-scores.md): the last commit before any
# of its cases was read.
FIRST_SEEN = {
    "python_more": "27503fa", "node_more": "cedc2c3", "shell_more": "8894025",
    "python_b4": "1f85776", "node_b4": "1f85776", "shell_b4": "1f85776",
    "python_b5": "02f5ce9", "node_b5": "02f5ce9", "shell_b5": "02f5ce9",
    "python_b6": "1457c0b", "node_b6": "1457c0b", "shell_b6": "1457c0b",
    "python_b7": "adbd649", "node_b7": "77da138", "shell_b7": "77da138",
    "python_b8": "6707f0e", "node_b8": "6707f0e", "shell_b8": "6707f0e",
    "python_b9": "cc0f742", "node_b9": "98f3117", "shell_b9": "98f3117",
    "python_b10": "a4fca6c", "node_b10": "a4fca6c", "shell_b10": "a4fca6c",
    "python_b11": "2916798", "node_b11": "2916798", "shell_b11": "2916798",
    "python_b12": "36f0dff", "node_b12": "36f0dff", "shell_b12": "36f0dff",
    "python_b13": "36f0dff", "node_b13": "36f0dff", "shell_b13": "36f0dff",
    "python_b14": "be7101b", "node_b14": "be7101b", "shell_b14": "be7101b",
    "python_b15": "9fd4696", "node_b15": "9fd4696", "shell_b15": "9fd4696",
    "python_b16": "eab3800", "node_b16": "8e95075", "shell_b16": "8e95075",
    "python_b17": "1280e7e",
}  # fmt: skip


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout


def known_at(commit: str) -> set[str]:
    """The ids of the corpus cases that existed at `commit`."""
    folder = "tests/corpora/failures"
    names = _git("ls-tree", "--name-only", f"{commit}:{folder}").split()
    return {i for n in names if n.endswith(".toml") for i in CASE_ID.findall(_git("show", f"{commit}:{folder}/{n}"))}


def unseen(commit: str, split: str) -> list[corpus.Case]:
    known = known_at(commit)
    return [c for c in corpus.load(split) if c.id not in known]


def judge_with(commit: str, cases: list[corpus.Case], claims: bool = False) -> list[dict[str, object]]:
    """Each case's verdict, problems and advice from the advisor at `commit` (run in a child process)."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        _git("worktree", "add", "--detach", "-q", str(tree), commit)
        try:
            env = os.environ | {"PYTHONPATH": f"{tree / 'server'}{os.pathsep}{ROOT}"}
            child = subprocess.run(
                [sys.executable, "-m", "tests.corpora.first_seen", "--child", str(tree), *(["--claims"] * claims)],
                input=json.dumps([c.id for c in cases]),
                capture_output=True,
                text=True,
                env=env,
                cwd=tmp,  # the package comes from the worktree, the runner from this checkout
                check=True,
            )
        finally:
            _git("worktree", "remove", "--force", str(tree))
    return json.loads(child.stdout)


def _child(tree: str, claims: bool) -> None:
    import livepair
    from livepair.backends.offline import triage
    from tests.corpora import claim_tags

    assert livepair.__file__ and livepair.__file__.startswith(tree), livepair.__file__
    if not hasattr(triage, "warm_lookups"):  # older advisors had nothing to warm
        corpus.triage.warm_lookups = lambda: None  # type: ignore[attr-defined]
    if claims:
        claim_tags.install()
    wanted = set(json.loads(sys.stdin.read()))
    outcomes = corpus.run_all([c for c in corpus.load() if c.id in wanted], workers=2)
    rows = [
        {
            "id": o.case.id,
            "verdict": o.verdict,
            "kind": o.kind,
            "problems": o.problems + o.harms,
            "said": o.finding.message if o.finding else "",
            "claim": claim_tags.maker(o.finding),
        }
        for o in outcomes
    ]
    print(json.dumps(rows))


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        _child(argv[1], "--claims" in argv)
        return
    if argv[:1] == ["--claims"]:
        claim_record()
        return
    commit, split = argv[0], (argv[1] if len(argv) > 1 else "dev")
    cases = unseen(commit, split)
    rows = judge_with(commit, cases)
    if split == "dev":
        for row in rows:
            if row["verdict"] in ("wrong", "harmful"):
                print(f"{row['id']} [{row['verdict']}] {row['problems']}\n  said: {row['said']}")
    counts = Counter(str(row["verdict"]) for row in rows)
    kinds = Counter(str(row["kind"]) for row in rows)
    right = counts["right"]
    print(
        f"{split} cases added after {commit}: {len(rows)}; diagnoses {kinds['diagnosis']} (right {right}, precision "
        f"{right / max(kinds['diagnosis'], 1):.2f}), honest hints {kinds['hint']}, silent {kinds['silent']}, "
        f"harmful {counts['harmful']}"
    )


def claim_record() -> None:
    """Each detector's diagnoses on the blind batches' dev cases it had not seen: right of spoken, harmful."""
    from livepair.backends.offline.probation import POSSIBLE  # this checkout's: older advisors have no probation

    record: dict[str, Counter[str]] = {}
    for commit in dict.fromkeys(FIRST_SEEN.values()):
        batches = {b for b, c in FIRST_SEEN.items() if c == commit}
        for row in judge_with(commit, [c for c in unseen(commit, "dev") if c.batch in batches], claims=True):
            verdict = str(row["verdict"])
            if str(row["said"]).startswith(POSSIBLE) and verdict != "harmful":  # a claim on probation, judged
                verdict = "wrong" if row["problems"] else "right"  # as if it were a diagnosis, to earn its way back
            if verdict in ("right", "wrong", "harmful"):
                record.setdefault(str(row["claim"]), Counter())[verdict] += 1
    for claim, counts in sorted(record.items(), key=lambda kv: (-kv[1].total(), kv[0])):
        harmful = f", harmful {counts['harmful']}" if counts["harmful"] else ""
        print(f"{claim}: right {counts['right']} of {counts.total()}{harmful}")


if __name__ == "__main__":
    main(sys.argv[1:])
