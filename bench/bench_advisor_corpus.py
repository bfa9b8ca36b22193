"""The offline advisor on failures people reported publicly (tests/corpora/failures), each run for real.

Prints the development set and the frozen test set apart: precision (right of the diagnoses), coverage (spoken of
all: diagnoses and honest hints), harmful, fixes offered / verified / past the error, and output -> advice p99.
Baseline in the same run: the catalogue alone (the advisor before evidence-based detectors), on the same outputs.
"""

from __future__ import annotations

import os

from bench.stats import report
from tests.corpora import failures_runner as corpus


def run() -> None:
    outcomes = corpus.run_all()
    by_split = {split: [o for o in outcomes if o.case.split == split] for split in ("dev", "test")}
    for split, group in by_split.items():
        print(corpus.score(group).line(f"{split} set"))
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


if __name__ == "__main__":
    run()
