"""aio.give_back_freed: what a long session frees in C goes back to the system (the daemon soak's slow RSS climb).

Run in a fresh interpreter: 60 MB of 4 KB blocks (each its own malloc, as the TLS and websocket buffers of a Live
connection are), one in 64 kept so the free space is fragmented and glibc cannot simply shrink its heap's top."""

from __future__ import annotations

import subprocess
import sys

PROGRAM = """
from pathlib import Path
from livepair.aio import give_back_freed

def rss_kb():
    return next(int(r.split()[1]) for r in Path("/proc/self/status").read_text().splitlines() if r.startswith("VmRSS"))

blocks = [bytes(4000) for _ in range(15000)]
kept = blocks[::64]
del blocks
before = rss_kb()
can = give_back_freed()
print(can, before, rss_kb())
"""


def test_freed_memory_fragmented_in_the_c_heap_is_given_back() -> None:
    out = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=True).stdout.split()
    can, before, after = out[0] == "True", int(out[1]), int(out[2])
    assert can, "glibc: malloc_trim is there"
    assert before - after > 20_000, f"RSS {before} kB -> {after} kB: the freed 4 KB blocks stayed in the process"
