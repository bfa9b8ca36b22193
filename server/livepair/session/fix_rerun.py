"""The offline advisor's `RerunPort` (backends/offline/recheck.py): a fixed program re-run in the sandbox.

Inside `sandbox.py` (no network, the workspace read-only, only its own dir writable) a snippet copies the workspace
into that dir, writes the patched file into the copy and runs the same command there again (a Python program with
the project's interpreter, a shell script with its shell, a Node script with node); the daemon reads back the exit
code and the output and decides whether the fix got the program past its error. Nothing is written outside the
scratch copy, which goes with the sandbox's dir.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from livepair.backends.offline.recheck import Rerun, past_the_error
from livepair.session.sandbox import Limits, Sandbox

log = logging.getLogger(__name__)
MARKER = "@@livepair-rerun@@"
RUN_S = 15.0  # the program's own time; the sandbox's limit is a little longer, for the copy
MAX_FILES = 2_000  # a larger workspace is not copied: no re-run, the fix stays checked statically
MAX_BYTES = 32 * 1024 * 1024  # under the sandbox's tmpfs (Limits.file_bytes)
OUTPUT_TAIL = 8_000
# V8's JIT reserves more address space than the sandbox's cap (RLIMIT_AS) allows: node runs interpreted there,
# the same JavaScript, only slower
NODE_FLAGS = ["--jitless", "--no-expose-wasm"]
SKIP = (".git", ".venv", "venv", "env", "node_modules", "__pycache__", ".mypy_cache", ".pytest_cache")

SNIPPET = """
import json, os, shutil, subprocess, sys
root, cwd, path, patched, argv = {root!r}, {cwd!r}, {path!r}, {patched!r}, {argv!r}
program = sys.executable if {program!r} == "python" else (shutil.which({program!r}) or {program!r})
flags = {node_flags!r} if {program!r} == "node" else []
given = {{"stdin": subprocess.DEVNULL}} if {stdin!r} is None else {{"input": {stdin!r}}}
skip = {skip!r}
files = size = 0
for folder, dirs, names in os.walk(root):
    dirs[:] = [d for d in dirs if d not in skip]
    files += len(names)
    size += sum(os.path.getsize(os.path.join(folder, n)) for n in names if os.path.isfile(os.path.join(folder, n)))
    if files > {max_files} or size > {max_bytes}:
        print({marker!r} + json.dumps({{"skipped": "the workspace is too large to copy"}}))
        sys.exit(0)
copy = os.path.join(os.getcwd(), "work")
shutil.copytree(root, copy, symlinks=True, ignore=shutil.ignore_patterns(*skip))
with open(os.path.join(copy, path), "w", encoding="utf-8") as handle:
    handle.write(patched)
env = {{k: v for k, v in os.environ.items() if k != "PYTHONPATH"}}
try:
    done = subprocess.run([program, *flags, *argv], cwd=os.path.join(copy, cwd), capture_output=True, text=True,
                          timeout={run_s}, env=env, errors="replace", **given)
    code, out = done.returncode, (done.stdout + done.stderr).replace(copy, root)
except subprocess.TimeoutExpired:
    code, out = None, ""
print({marker!r} + json.dumps({{"exit": code, "output": out[-{tail}:]}}))
"""


def snippet(rerun: Rerun) -> str:
    root = rerun.root.resolve()
    return SNIPPET.format(
        root=str(root),
        cwd=str(rerun.cwd.resolve().relative_to(root)),
        path=str(rerun.path.resolve().relative_to(root)),
        patched=rerun.patched,
        argv=list(rerun.argv),
        program=rerun.program,
        stdin=rerun.stdin,
        node_flags=NODE_FLAGS,
        skip=SKIP,
        max_files=MAX_FILES,
        max_bytes=MAX_BYTES,
        marker=MARKER,
        run_s=RUN_S,
        tail=OUTPUT_TAIL,
    )


def read_result(output: str) -> dict[str, object] | None:
    line = next((ln for ln in reversed(output.splitlines()) if ln.startswith(MARKER)), None)
    try:
        data = json.loads(line[len(MARKER) :]) if line is not None else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


class SandboxRerun:
    """Re-runs fixed programs in a sandbox per workspace; None (no verdict) when the sandbox cannot be had here."""

    def __init__(self, limits: Limits | None = None) -> None:
        self._limits = limits or Limits(timeout_s=RUN_S + 10, niceness=10)  # after the hint, never before it
        self._sandboxes: dict[Path, Sandbox] = {}

    async def __call__(self, rerun: Rerun) -> bool | None:
        root = rerun.root.resolve()
        sandbox = self._sandboxes.get(root)
        if sandbox is None:
            sandbox = self._sandboxes[root] = Sandbox(root, self._limits)
        why_not = await sandbox.unavailable()
        if why_not is not None:
            log.info("fix re-run: no sandbox here (%s); fixes stay checked statically", why_not)
            return None
        result = await sandbox.run(snippet(rerun))
        data = read_result(result.output)
        if data is None or "skipped" in data:
            log.info("fix re-run of %s: no verdict (%s)", rerun.path.name, (data or {}).get("skipped", "no result"))
            return None
        code, output = data.get("exit"), data.get("output")
        return past_the_error(rerun, code if isinstance(code, int) else None, output if isinstance(output, str) else "")
