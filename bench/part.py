"""One benchmark part in its own process: `python -m bench.part bench_voice`.

Exit 0: every target met; 1: a target missed; 2: the part failed (one `[FAIL]` line says how). SIGTERM (the
runner's time limit) unwinds like Ctrl-C, so a part's `finally` still stops what it started (PulseAudio, Xvfb).
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import traceback
from types import FrameType

import livepair  # noqa: F401  (first: it takes the working directory off sys.path, as the daemon must)
from bench import stats

# The bench is not the daemon: it imports the test fakes from the checkout, so the checkout goes back on the path.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class TimeLimit(BaseException):
    """The runner's time limit: raised in the main thread so cleanup runs."""


def _on_term(_signum: int, _frame: FrameType | None) -> None:
    raise TimeLimit


def main(name: str) -> int:
    signal.signal(signal.SIGTERM, _on_term)
    try:
        importlib.import_module(name if "." in name else f"bench.{name}").run()
    except TimeLimit:
        print(f"[FAIL] {name}: stopped at the runner's time limit", flush=True)
        return 2
    except KeyboardInterrupt:
        raise
    except SystemExit as exc:  # a part that cannot run here says why (e.g. tesseract missing)
        if exc.code not in (None, 0):
            print(f"[FAIL] {name}: {exc.code}", flush=True)
            return 2
    except BaseException as exc:  # also a missing tool (pytest's Skipped, shared with the tests)
        traceback.print_exc(file=sys.stderr)  # the detail for whoever investigates; stdout keeps the one line
        print(f"[FAIL] {name}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", flush=True)
        return 2
    return 1 if stats.MISSED else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
