"""Redaction speed on ordinary code: `.venv/bin/python bench/bench_redact.py`.

Informational, not a test: timings depend on the machine. Targets: 1,000 lines < 5 ms, 5,000 lines < 25 ms.
Also printed: a trigger-dense case (every line names a token, password or key, none holds one), the worst
realistic cost, since each trigger word runs the regexes anchored at it.
"""

from __future__ import annotations

import sysconfig
import time
from pathlib import Path

from livepair.context.redact import Redactor

# Real, secret-free Python from the standard library, so the trigger words (`key`, `token`, `pass`, URLs)
# turn up as often as they do in everyday code.
_SOURCES = ("argparse.py", "subprocess.py", "tarfile.py", "inspect.py", "typing.py", "dataclasses.py")
_DENSE = (
    "    token = session.get('token') or os.environ.get('APP_TOKEN')",
    "    headers = {'Authorization': f'Bearer {token}', 'X-Api-Key': api_key}",
    "    password_hash = hasher.hash(form.cleaned_data['password'])",
)


def sample_lines(n: int) -> list[str]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    lines = [line for name in _SOURCES for line in (stdlib / name).read_text().splitlines()]
    return (lines * (n // len(lines) + 1))[:n]


def dense_lines(n: int) -> list[str]:
    return [f"{_DENSE[i % len(_DENSE)]}  # {i}" for i in range(n)]


def _best_ms(redactor: Redactor, text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        redactor.redact(text)
        best = min(best, time.perf_counter() - start)
    return best * 1000


def bench_redact(repeat: int = 20) -> dict[int, float]:
    """Best-of-`repeat` milliseconds to redact 1,000 and 5,000 lines of ordinary code; prints lines/s."""
    results: dict[int, float] = {}
    for label, make in (("ordinary", sample_lines), ("trigger-dense", dense_lines)):
        for n in (1_000, 5_000):
            text = "\n".join(make(n))
            redactor = Redactor()
            found = len(redactor.find(text))
            ms = _best_ms(redactor, text, repeat)
            if label == "ordinary":
                results[n] = ms
            print(f"{label:>13} {n:>5} lines ({len(text) / 1024:.0f} KiB, {found} secrets): {ms:6.2f} ms, "
                  f"{n / ms * 1000:,.0f} lines/s")  # fmt: skip
    return results


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


if __name__ == "__main__":
    bench_redact()
