"""Redaction speed on ordinary code: `.venv/bin/python bench/bench_redact.py`.

Informational, not a test: timings depend on the machine. Targets: 1,000 lines < 5 ms, 5,000 lines < 25 ms.
"""

from __future__ import annotations

import sysconfig
import time
from pathlib import Path

from livepair.context.redact import Redactor

# Real, secret-free Python from the standard library, so the trigger words (`key`, `token`, `pass`, URLs)
# turn up as often as they do in everyday code.
_SOURCES = ("argparse.py", "subprocess.py", "tarfile.py", "inspect.py", "typing.py", "dataclasses.py")


def sample_lines(n: int) -> list[str]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    lines = [line for name in _SOURCES for line in (stdlib / name).read_text().splitlines()]
    return (lines * (n // len(lines) + 1))[:n]


def _best_ms(redactor: Redactor, text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        redactor.redact(text)
        best = min(best, time.perf_counter() - start)
    return best * 1000


def bench_redact(repeat: int = 20) -> dict[int, float]:
    """Best-of-`repeat` milliseconds to redact 1,000 and 5,000 lines; prints lines/s."""
    results: dict[int, float] = {}
    for n in (1_000, 5_000):
        text = "\n".join(sample_lines(n))
        redactor = Redactor()
        found = len(redactor.find(text))
        ms = _best_ms(redactor, text, repeat)
        results[n] = ms
        print(f"{n:>6} lines ({len(text) / 1024:.0f} KiB, {found} secrets): {ms:6.2f} ms, {n / ms * 1000:,.0f} lines/s")
    return results


if __name__ == "__main__":
    bench_redact()


def _detect_secrets_ms(lines: list[str]) -> float:
    """Baseline: detect-secrets' own per-line scan (all default plugins) over the same lines."""
    from detect_secrets.core.scan import scan_line
    from detect_secrets.settings import default_settings

    with default_settings():
        start = time.perf_counter()
        for line in lines:
            list(scan_line(line))
        return (time.perf_counter() - start) * 1000


def run() -> None:
    results = bench_redact()
    lines = sample_lines(1_000)
    base = _detect_secrets_ms(lines)
    print(
        f"  baseline (detect-secrets scan_line, 1,000 lines): {base:.1f} ms; "
        f"ours is {base / results[1_000]:.0f}x faster"
    )
    ok = results[5_000] < 25
    print(f"[{'PASS' if ok else 'MISS'}] redact 5,000 lines: {results[5_000]:.1f} ms  (target < 25 ms)")
