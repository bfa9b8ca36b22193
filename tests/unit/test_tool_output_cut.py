"""`run_command` / `run_python` output is redacted before it is cut: a secret straddling the size bound never
reaches the model, not even its first half.

The output of a real process (the daemon-run path: /bin/sh, real pipes, the real 64 KB bound) is made so that a
planted secret starts at every offset around the cut; hypothesis draws the offset and the secret's format. What
the model gets (the tool's reply) and what later context gets (the recorded terminal run, through the digest) must
hold no 8-character piece of the secret.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livepair.context.digest import DigestBuilder
from livepair.context.redact import Redactor
from livepair.context.store import ContextStore
from livepair.model import CommandApproval
from livepair.session.editor_port import NullEditor
from livepair.session.process import ProcessResult
from livepair.session.run_command import MAX_OUTPUT, redacted_output, run_command
from livepair.session.run_python import run_python
from livepair.session.sandbox import Sandbox
from tests.corpora.secrets.corpus import leaks
from tests.tooling import require_tool

_RNG = random.Random(2)


def _b62(n: int) -> str:
    return "".join(_RNG.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))


# (line holding the secret, the secret): token formats, a value found by its name, a key body line
PLANTS = [
    (f"token={'gh' + 'p_'}{(s := _b62(36))}", "ghp_" + s),
    (f"key: {'AI' + 'za'}{(g := 'Sy' + _b62(33))}", "AIza" + g),
    (f"DB_PASSWORD={(p := _b62(6) + '-' + _b62(10))}", p),
    (f"export AWS_SECRET_ACCESS_KEY={(a := _b62(40))}", a),
    (f"Authorization: Bearer {(b := _b62(48))}", b),
]
FILLER = "build step ok " + "." * 65 + "\n"  # 80 characters a line


def layout(line: str, secret: str, shift: int) -> tuple[int, str]:
    """How many filler lines, and what padding line, put `secret` `shift` characters before the cut."""
    start = MAX_OUTPUT - shift - line.index(secret)  # where the line starts
    pad = start % len(FILLER)
    return start // len(FILLER), ("#" * (pad - 1) + "\n") if pad else ""


def planted_output(line: str, secret: str, shift: int) -> str:
    """Filler lines, then `line` placed so that `secret` starts `shift` characters before the cut."""
    count, pad = layout(line, secret, shift)
    return FILLER * count + pad + line + "\n" + FILLER * 20


def approve(_: CommandApproval) -> asyncio.Future[bool]:
    done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
    done.set_result(True)
    return done


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plant=st.sampled_from(PLANTS), shift=st.integers(-4, 60))
def test_a_secret_across_the_cut_never_reaches_the_model(tmp_path: Path, plant: tuple[str, str], shift: int) -> None:
    line, secret = plant
    shift = min(shift, len(secret) + 4)
    output = planted_output(line, secret, shift)
    assert output.index(secret) == MAX_OUTPUT - shift
    (tmp_path / "out.txt").write_text(output)
    store = ContextStore(lambda uri: None)
    store.root = tmp_path
    redactor = Redactor()
    reply = asyncio.run(run_command({"command": "cat out.txt"}, store, redactor, approve))

    assert reply["exit_code"] == 0 and "build step ok" in reply["output"]
    assert reply.get("note") == f"output cut at {MAX_OUTPUT // 1024} KB"
    assert not leaks(line, secret, reply["output"], run=8), (shift, reply["output"][-300:])
    digest = DigestBuilder(store, redactor).sections().get("terminal", "")
    assert "cat out.txt" in digest
    assert not leaks(line, secret, digest, run=8), (shift, digest[-300:])


def test_every_offset_around_the_cut() -> None:
    """Exhaustively, without a process: each plant starting at every offset from 4 past the cut to 4 before it."""
    for line, secret in PLANTS:
        redactor = Redactor()
        for shift in range(-4, len(secret) + 5):
            output = planted_output(line, secret, shift)
            out = redacted_output(redactor, ProcessResult(0, output[:MAX_OUTPUT], truncated=True))
            assert "build step ok" in out and not leaks(line, secret, out, run=8), (secret, shift, out[-200:])


def test_run_python_output_across_the_cut(tmp_path: Path) -> None:
    """The same through the real sandbox: a snippet prints a secret across its 64 KB bound."""
    require_tool("bwrap", "prlimit", "setpriv", hint="scripts/setup-sandbox.sh installs bubblewrap and util-linux")
    line, secret = PLANTS[0]
    sandbox = Sandbox(tmp_path)
    count, pad = layout(line, secret, 12)
    code = f"import sys\nsys.stdout.write({FILLER!r} * {count} + {pad + line!r} + '\\n' + {FILLER!r} * 20)\n"
    store = ContextStore(lambda uri: None)
    store.root = tmp_path
    reply = asyncio.run(run_python({"code": code}, store, Redactor(), approve, NullEditor(), sandbox))
    assert "build step ok" in reply["output"] and "cut at" in reply.get("note", ""), reply
    assert not leaks(line, secret, reply["output"], run=8), reply["output"][-300:]


def test_one_line_longer_than_the_bound_is_cut_before_its_last_word() -> None:
    """No line break to cut at: the cut falls before the word the bound split, never inside it."""
    secret = "ghp_" + _b62(36)
    text = "word " * ((MAX_OUTPUT - 20) // 5) + secret  # the bound falls 20 characters into the secret
    out = redacted_output(Redactor(), ProcessResult(0, text[:MAX_OUTPUT], truncated=True))
    assert secret[:8] not in out and out.endswith("word")


def test_a_finished_run_keeps_its_last_line() -> None:
    out = redacted_output(Redactor(), ProcessResult(0, "first\nno newline at the end"))
    assert out == "first\nno newline at the end"
