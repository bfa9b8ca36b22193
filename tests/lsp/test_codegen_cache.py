"""The start-up code cache (lsp/codegen_cache.py): a second start compiles none of lsprotocol's generated methods,
the classes behave the same, and a file that is not the user's own, corrupt or stale is never trusted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types as lsp

from livepair.lsp.codegen_cache import CodeCache

pytestmark = pytest.mark.slow  # a dozen fresh interpreters importing lsprotocol: `make test`, not the inner loop

PLAIN = lsp.Diagnostic(
    range=lsp.Range(start=lsp.Position(line=1, character=2), end=lsp.Position(line=1, character=5)), message="m"
)

# A fresh interpreter (lsprotocol is already imported in this one) that imports lsprotocol under the cache and
# shows that its classes still work: construction, defaults, equality, repr, and the converter's round trip.
PROBE = """
import json, sys
from pathlib import Path
from livepair.lsp.codegen_cache import attrs_code_cached

with attrs_code_cached(Path(sys.argv[1])) as cache:
    from lsprotocol import types as lsp
    from lsprotocol.converters import get_converter
a = lsp.Range(start=lsp.Position(line=1, character=2), end=lsp.Position(line=1, character=5))
b = get_converter().structure({"start": {"line": 1, "character": 2}, "end": {"line": 1, "character": 5}}, lsp.Range)
d = lsp.Diagnostic(range=a, message="m")
out = {"hits": cache.hits, "misses": cache.misses, "equal": a == b, "repr": repr(d), "severity": d.severity}
print(json.dumps(out))
"""


def probe(folder: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-I", "-c", PROBE, str(folder)], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(out.stdout)


def cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("attrs-code.*.marshal"))


def test_the_second_start_compiles_none_of_lsprotocol_and_its_classes_behave_the_same(tmp_path: Path) -> None:
    first = probe(tmp_path)
    assert int(first["misses"]) > 500  # type: ignore[call-overload]  # every class compiled, then kept
    [written] = cache_files(tmp_path)
    assert written.stat().st_mode & 0o777 == 0o600
    second = probe(tmp_path)
    assert int(second["hits"]) > 500 and int(second["misses"]) <= 2  # type: ignore[call-overload]
    for run in (first, second):
        assert run["equal"] is True
        assert run["repr"] == repr(PLAIN)  # the same as compiled without the cache, in this process
        assert run["severity"] is None


def test_a_file_others_may_write_is_not_trusted(tmp_path: Path) -> None:
    probe(tmp_path)
    [written] = cache_files(tmp_path)
    written.chmod(0o622)
    assert int(probe(tmp_path)["hits"]) == 0  # type: ignore[call-overload]


def test_a_corrupt_file_costs_time_not_correctness(tmp_path: Path) -> None:
    probe(tmp_path)
    [written] = cache_files(tmp_path)
    written.write_bytes(written.read_bytes()[:1000])
    again = probe(tmp_path)
    assert again["equal"] is True and int(again["hits"]) == 0  # type: ignore[call-overload]
    assert int(probe(tmp_path)["hits"]) > 500  # type: ignore[call-overload]  # and the next start has it again


def test_a_changed_source_under_the_same_name_is_compiled_anew(tmp_path: Path) -> None:
    path = tmp_path / "c.marshal"
    old = CodeCache(path)
    old.compile("x = 1\n", "<attrs generated init C>", "exec")
    old.save()
    new = CodeCache(path)
    namespace: dict[str, object] = {}
    exec(new.compile("x = 2\n", "<attrs generated init C>", "exec"), namespace)
    assert namespace["x"] == 2 and new.misses == 1 and new.hits == 0


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to hand a file to another owner")  # CI runs as root
def test_a_file_owned_by_another_user_is_not_trusted(tmp_path: Path) -> None:
    probe(tmp_path)
    [written] = cache_files(tmp_path)
    os.chown(written, 65534, 65534)
    assert int(probe(tmp_path)["hits"]) == 0  # type: ignore[call-overload]


def test_the_daemon_keeps_the_cache_where_it_is_told(tmp_path: Path) -> None:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
    env = dict(os.environ, LIVEPAIR_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.Popen(
        [sys.executable, "-I", "-u", "-m", "livepair", "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=tmp_path,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(f"Content-Length: {len(body)}\r\n\r\n{body}".encode())
    proc.stdin.flush()
    try:
        assert proc.stdout.readline().startswith(b"Content-Length:")  # initialize answered
    finally:
        proc.kill()
        proc.wait()
    assert cache_files(tmp_path / "cache")
