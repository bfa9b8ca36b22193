"""Redaction: detection, false redactions and speed, each against detect-secrets in the same run.
`.venv/bin/python -m bench.bench_redact` (or `make bench`).

Informational, not a test: timings depend on the machine. Targets: 1,000 lines < 5 ms, 5,000 lines < 25 ms.
Also printed: a trigger-dense case (every line names a token, password or key, none holds one), the worst
realistic cost, since each trigger word runs the regexes anchored at it. Detection is measured on the secret
corpus (tests/corpora/secrets: every format in every placement, fresh values from a fixed seed), false
redactions on its ordinary lines; the baseline is detect-secrets' own line scan with all its default plugins.
"""

from __future__ import annotations

import random
import sysconfig
import time
from collections.abc import Callable
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


def corpus_cases(seed: int = 7) -> tuple[list[tuple[str, str]], list[str]]:
    """(line, value) for every format in every placement, and the ordinary lines."""
    from tests.corpora.secrets.corpus import formats, ordinary_lines, placed

    rng = random.Random(seed)
    secret = [(line, value) for fmt in formats() for value in [fmt.make(rng)] for line in placed(fmt, value).values()]
    return secret, [line for line, _ in ordinary_lines()]


def _ratios(flags: Callable[[str], bool], hides: Callable[[str, str], bool]) -> tuple[float, float]:
    secret, ordinary = corpus_cases()
    detected = sum(hides(line, value) for line, value in secret) / len(secret)
    false = sum(flags(line) for line in ordinary) / len(ordinary)
    return detected, false


def bench_corpus() -> dict[str, tuple[float, float, float]]:
    """Detected and false-redaction ratios, and ms per 5,000 corpus lines, for ours and detect-secrets."""
    from detect_secrets.core.scan import scan_line
    from detect_secrets.settings import default_settings

    from tests.corpora.secrets.corpus import leaks

    secret, ordinary = corpus_cases()
    lines = [line for line, _ in secret] + ordinary
    sample = (lines * (5_000 // len(lines) + 1))[:5_000]
    out: dict[str, tuple[float, float, float]] = {}

    def ours_hides(line: str, value: str) -> bool:
        return not leaks(line, value, Redactor().redact(line))

    start = time.perf_counter()
    Redactor().redact("\n".join(sample))
    ms = (time.perf_counter() - start) * 1000
    out["livepair"] = (*_ratios(lambda line: bool(Redactor().find(line)), ours_hides), ms)
    with default_settings():

        def ds_secrets(line: str) -> list[str]:
            return [str(s.secret_value) for s in scan_line(line) if s.secret_value]

        def ds_hides(line: str, value: str) -> bool:
            # credit detect-secrets when what it reports covers the whole value
            return any(value in found or found == value for found in ds_secrets(line))

        start = time.perf_counter()
        for line in sample:
            ds_secrets(line)
        ms = (time.perf_counter() - start) * 1000
        out["detect-secrets"] = (*_ratios(lambda line: bool(ds_secrets(line)), ds_hides), ms)
    for name, (detected, false, ms) in out.items():
        print(
            f"  {name:>14}: detected {detected:6.1%} of {len(secret)} format x placement cases, "
            f"false redactions {false:5.1%} of {len(ordinary)} ordinary lines, {ms:7.1f} ms per 5,000 corpus lines"
        )
    return out


def run() -> None:
    corpus = bench_corpus()
    detected, false, _ = corpus["livepair"]
    ok = detected == 1.0 and false <= 0.01
    print(
        f"[{'PASS' if ok else 'MISS'}] corpus: {detected:.1%} detected (target 100 %), "
        f"{false:.1%} false (target <= 1 %)"
    )
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
    run()
