"""`make bench`: every benchmark, each printing its figures against a baseline measured in the same run.

Each part runs in its own process (bench/part.py) under a time limit, so a part that fails or hangs prints its
own `[FAIL]` line and the next one still runs. The exit code is 0 only if every part ran and met every target.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

PARTS = (
    ("redaction", "bench_redact"),
    ("context digest", "bench_digest"),
    ("the model's workspace tools", "bench_tools"),
    ("daemon over stdio", "bench_lsp"),
    ("turn-taking on the Live service", "bench_turns"),
    ("the Live link through goAway", "bench_reconnect"),
    ("the senior dev's hands: tool dispatch, sandbox", "bench_hands"),
    ("offline advisor", "bench_offline"),
    ("offline advisor on publicly reported failures", "bench_advisor_corpus"),
    ("tutor mode", "bench_tutor"),
    ("voice", "bench_voice"),
    ("screen", "bench_screen"),
    ("screen OCR masking", "bench_ocr"),
    ("the VS Code extension", "bench_extension"),
)
# Generous for a busy two-core machine; a part still running then is stopped and counted as failed.
PART_LIMIT_S = float(os.environ.get("LIVEPAIR_BENCH_PART_S", "900"))
OUTCOME = {0: "all targets met", 1: "missed a target", 2: "failed"}


def run_part(module: str) -> int:
    proc = subprocess.Popen([sys.executable, "-m", "bench.part", module], start_new_session=True)
    try:
        return proc.wait(PART_LIMIT_S)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGTERM)  # the part unwinds and stops what it started
        try:
            return proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            print(f"[FAIL] {module}: killed after {PART_LIMIT_S:.0f} s", flush=True)
            return 2


def main(selected: list[str]) -> int:
    results: list[tuple[str, int, float]] = []
    for title, module in PARTS:
        if selected and module not in selected:
            continue
        print(f"\n== {title} ==", flush=True)
        start = time.monotonic()
        code = run_part(module)
        results.append((module, code, time.monotonic() - start))
    print("\n== summary ==")
    for module, code, seconds in results:
        print(f"{module}: {OUTCOME.get(code, f'exit {code}')} ({seconds:.0f} s)")
    return 0 if all(code == 0 for _, code, _ in results) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
