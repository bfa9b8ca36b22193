"""1,000 seeded random messages at one daemon: it never crashes, never goes deaf, and answers each request once.

Hypothesis draws 50 batches of 20 messages (real methods with plausible or random params, random methods, ids of
every kind, now and then a framing lie); all go to ONE daemon process, an offline session running. After each
batch, every request that was well framed must have exactly one reply (waited for with a deadline) and no id any
more than one; at the end the daemon still answers, and stderr holds no traceback.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.lsp.rawio import RawDaemon, frame

BATCHES, PER_BATCH = 50, 20
REAL_METHODS = [
    "textDocument/hover",
    "textDocument/codeAction",
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/didClose",
    "textDocument/didSave",
    "workspace/executeCommand",
    "workspace/didChangeConfiguration",
    "livepair/diagnostics",
    "livepair/terminal",
    "livepair/editorState",
    "$/cancelRequest",
    "$/setTrace",
    "initialize",
    "initialized",
]
COMMANDS = [
    "livepair.ask",
    "livepair.explain",
    "livepair.stop",
    "livepair.toggleMic",
    "livepair.toggleScreen",
    "livepair.pushToTalkStart",
    "livepair.pushToTalkEnd",
    "livepair.showSentLog",
    "livepair.nope",
]  # not livepair.start: random settings could point a session at a real endpoint
URIS = ["file:///ws/f.py", "file:///ws/g.py", "file:///nowhere", "untitled:1", "", "x" * 5000]

text = st.text(max_size=12) | st.sampled_from(["\ud800", "\x00", "Content-Length: 5\r\n\r\n", "é" * 3])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=False) | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
ints = st.integers(-3, 40) | json_values
position = st.fixed_dictionaries({"line": ints, "character": ints})
rng = st.fixed_dictionaries({"start": position, "end": position}) | json_values
doc = st.fixed_dictionaries({"uri": st.sampled_from(URIS) | json_values}, optional={"version": ints})
diagnostic = st.fixed_dictionaries(
    {"range": rng, "message": text | json_values}, optional={"severity": ints, "source": text}
)
plausible: dict[str, st.SearchStrategy[Any]] = {
    "textDocument/hover": st.fixed_dictionaries({"textDocument": doc, "position": position}),
    "textDocument/codeAction": st.fixed_dictionaries(
        {"textDocument": doc, "range": rng, "context": st.fixed_dictionaries({"diagnostics": st.lists(diagnostic)})}
    ),
    "textDocument/didOpen": st.fixed_dictionaries(
        {"textDocument": doc.map(lambda d: {**d, "languageId": "python", "version": 1, "text": "x = 1\n" * 3})}
    ),
    "textDocument/didChange": st.fixed_dictionaries(
        {
            "textDocument": doc,
            "contentChanges": st.lists(st.fixed_dictionaries({"text": text}, optional={"range": rng})),
        }
    ),
    "workspace/executeCommand": st.fixed_dictionaries(
        {"command": st.sampled_from(COMMANDS) | text},
        optional={"arguments": st.lists(json_values | st.sampled_from(URIS) | diagnostic, max_size=3)},
    ),
    "workspace/didChangeConfiguration": st.fixed_dictionaries(
        {"settings": st.fixed_dictionaries({"livepair": st.dictionaries(text, json_values, max_size=3)})}
    ),
    "livepair/diagnostics": st.fixed_dictionaries(
        {"uri": st.sampled_from(URIS), "diagnostics": st.lists(diagnostic, max_size=4)}
    ),
    "livepair/terminal": st.fixed_dictionaries(
        {"command": text}, optional={"output": text, "exitCode": ints, "cwd": text}
    ),
    "livepair/editorState": st.fixed_dictionaries(
        {"uri": st.sampled_from(URIS)},
        optional={"selection": rng, "visibleRanges": st.lists(rng, max_size=3), "visibleUris": json_values},
    ),
}
DAMAGE = ["none"] * 12 + ["garbage before", "length too long", "length too short", "huge length", "bad utf-8"]


@dataclass
class Drawn:
    body: dict[str, Any]
    id_kind: str  # "int", "str", "none" or "odd"
    damage: str
    garbage: bytes
    at: float  # where a damage falls, as a fraction of the body


@st.composite
def message(draw: st.DrawFn) -> Drawn:
    method = draw(st.sampled_from(REAL_METHODS) | text.filter(lambda m: m not in ("exit", "shutdown")))
    params = draw(plausible[method] | json_values if method in plausible else json_values)
    body: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
    id_kind = draw(st.sampled_from(["int", "str", "none", "none", "odd"]))
    if id_kind == "odd":
        body["id"] = draw(st.sampled_from([1.5, True, None, [1], {"a": 1}]))
    if draw(st.integers(0, 19)) == 0:
        del body[draw(st.sampled_from(["jsonrpc", "method", "params"]))]
    damage, garbage, at = draw(st.sampled_from(DAMAGE)), draw(st.binary(min_size=1, max_size=30)), draw(st.floats(0, 1))
    return Drawn(body, id_kind, damage, garbage, at)


def encode(m: Drawn, n: int) -> tuple[bytes, Any, bool]:
    """The bytes, the id a reply would carry (or None), and whether exactly one reply is owed."""
    msg_id: Any = None
    if m.id_kind in ("int", "str"):
        msg_id = n if m.id_kind == "int" else f"r{n}"
        m.body["id"] = msg_id
    data = json.dumps(m.body).encode()
    owed = msg_id is not None and "method" in m.body
    cut = int(m.at * len(data))
    match m.damage:
        case "none":
            return frame(data), msg_id, owed
        case "garbage before":  # the message itself survives: it is still well framed
            return m.garbage + frame(data), msg_id, owed
        case "length too long":
            return b"Content-Length: %d\r\n\r\n" % (len(data) + 1 + cut) + data, msg_id, False
        case "length too short":
            return b"Content-Length: %d\r\n\r\n" % max(1, cut) + data, msg_id, False
        case "huge length":
            return b"Content-Length: 99999999999\r\n\r\n" + data, msg_id, False
        case _:  # invalid UTF-8 somewhere in the body
            return frame(data[:cut] + b"\xff\xc0" + data[cut:]), msg_id, False


@pytest.mark.slow
def test_a_thousand_random_messages(workspace: Path, tmp_path: Path) -> None:
    loop = asyncio.new_event_loop()
    run = loop.run_until_complete
    settings_ = {"backend": "offline", "hoverWaitMs": 50, "digestDebounceMs": 20}
    daemon = run(RawDaemon.start(workspace, {"LIVEPAIR_STATE_DIR": str(tmp_path / "state")}, settings_))
    ids = itertools.count()
    sent: list[int] = []

    @settings(
        max_examples=BATCHES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],  # no shrinking: one daemon carries state from batch to batch
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(st.lists(message(), min_size=PER_BATCH, max_size=PER_BATCH))
    def batch(drawn: list[Drawn]) -> None:
        messages = [encode(m, next(ids)) for m in drawn]
        for data, _, _ in messages:
            daemon.write(data)
        daemon.write(frame({"jsonrpc": "2.0", "id": f"end{len(sent)}", "method": "textDocument/hover", "params": {}}))
        sent.append(len(messages))

        async def answered() -> None:
            await daemon.drain()
            await daemon.reply(f"end{len(sent) - 1}", timeout=20)  # replies come in order for these handlers
            must = [i for _, i, exact in messages if exact]
            try:
                await daemon.wait_for(lambda: all(daemon.replies(i) for i in must), 20, "the replies")
            except AssertionError:
                missing = [data for data, i, exact in messages if exact and not daemon.replies(i)]
                raise AssertionError(f"never answered: {missing}; stderr: {daemon.err()[-1500:]}") from None

        run(answered())
        for _, msg_id, exact in messages:
            if msg_id is not None:
                n = len(daemon.replies(msg_id))
                assert n == 1 if exact else n <= 1, (msg_id, n, messages)
        assert daemon.proc.returncode is None, daemon.err()

    try:
        batch()
        assert sum(sent) >= BATCHES * PER_BATCH, sent
        run(daemon.probe())
        assert "Traceback" not in daemon.err(), daemon.err()
    finally:
        code = run(daemon.close())
        loop.close()
    assert code == 0, daemon.err()
