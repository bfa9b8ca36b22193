"""Small helpers shared by the benchmarks: percentiles and one-line reports."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def percentile(samples: Sequence[float], p: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(samples_ms: Sequence[float]) -> str:
    return (
        f"p50 {percentile(samples_ms, 50):.2f} ms, p99 {percentile(samples_ms, 99):.2f} ms, "
        f"mean {statistics.fmean(samples_ms):.2f} ms (n={len(samples_ms)})"
    )


MISSED: list[str] = []  # the targets this process missed (bench/part.py turns them into its exit code)


def report(name: str, value: str, target: str, ok: bool) -> None:
    if not ok:
        MISSED.append(name)
    mark = "PASS" if ok else "MISS"
    print(f"[{mark}] {name}: {value}  (target {target})", flush=True)
