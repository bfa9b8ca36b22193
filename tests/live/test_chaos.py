"""Exactly once as a property (issue 22): hypothesis draws fault schedules — a simulator fault when a question
arrives or mid-reply: a 1011 or 1000 close, a reset, a broken frame, a silent socket, a goAway, a refused
resumption handle — over a session driven through the real daemon's stdio with editor traffic (didChange,
editorState) and questions, some asked over the previous reply. Invariants:
- every question the user waited for is answered exactly once, or the user is told it was dropped; none twice
  (when three faults in a row make the daemon stop, the user presses Retry, as its status asks);
- no reply is cut by the daemon's own messages (every cut is a question of the user's, or a fault);
- a reply cut by a fault is marked as cut off, and its question asked again, at most once per fault;
- a fresh session's restatement stays under 16 KB and never contains an earlier restatement.

`make test` runs a fixed, derandomized set (LIVEPAIR_CHAOS_EXAMPLES, default 4); `make soak` runs 200.
Time is compressed with LIVEPAIR_LIVE_TIME_SCALE (backoff, watchdog, goAway margins).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from livepair.backends.reconnect import TIME_SCALE_ENV
from livepair.scenario import write_workspace
from livepair.session.session import CUT_OFF_MARK
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import starts_turn
from tests.fakes.session import FakeSession, SessionClosed
from tests.keys import API_KEY
from tests.live.test_exactly_once import (
    MAX_RESTATEMENT,
    RESTATEMENT,
    _squeezed,
    asked_anywhere,
    finals_of,
    is_context,
)
from tests.live.test_faults import model_finals, question_of
from tests.lsp.harness import EditorClient, settings_for, start_editor

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("LIVEPAIR_CHAOS_EXAMPLES", "4"))
FAULTS = ("close-1011", "close-1000", "reset", "broken", "stall", "go-away", "handle-refused")
PHASES = ("on-question", "mid-reply")
HOLD_S = 0.3  # a reply stays open this long for an editor update to (wrongly) arrive in it


@dataclass
class Schedule:
    questions: int
    faults: dict[tuple[int, str], str]  # (question, phase) -> fault
    over: list[bool]  # ask the next question without waiting for this one's answer
    fired: list[str] = field(default_factory=list)


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    n = draw(st.integers(3, 5))
    keys = draw(st.lists(st.tuples(st.integers(0, n - 1), st.sampled_from(PHASES)), max_size=3, unique=True))
    faults: dict[tuple[int, str], str] = {(k, phase): draw(st.sampled_from(FAULTS)) for k, phase in keys}
    over = [draw(st.booleans()) if k < n - 1 else False for k in range(n)]
    return Schedule(n, faults, over)


def model_for(schedule: Schedule, fake: FakeLiveServer):  # type: ignore[no-untyped-def]
    async def fire(session: FakeSession, fault: str) -> bool:
        """Inject a fault; True when the connection is gone (the script ends)."""
        schedule.fired.append(fault)
        if fault == "go-away":
            await session.send_go_away("1s")
            return False
        if fault == "handle-refused":
            fake.handles.reject_all = True
            await session.close(1011, "Internal error encountered.")
        elif fault.startswith("close-"):
            code = int(fault.removeprefix("close-"))
            await session.close(code, "Internal error encountered." if code == 1011 else "closing")
        elif fault == "reset":
            session.reset()
        elif fault == "broken":
            await session.send_raw('{"serverContent": {"modelTurn": {"parts": [{"te')
        await session.wait_closed(timeout=60)  # "stall": the socket stays open, and silent
        return True

    async def model(session: FakeSession) -> None:
        try:
            while True:
                message = await session.next_message(predicate=starts_turn, timeout=3600)
                with contextlib.suppress(TimeoutError):  # requests that arrived together are one turn
                    while True:
                        message = await session.next_message(predicate=starts_turn, timeout=0)
                question = question_of("".join(message.texts()))
                k = int(question[1:-1]) if question.startswith("q") and question[1:-1].isdigit() else -1
                if (fault := schedule.faults.pop((k, "on-question"), None)) and await fire(session, fault):
                    return
                await session.send_text("Answer:", turn_complete=False)
                if (fault := schedule.faults.pop((k, "mid-reply"), None)) and await fire(session, fault):
                    return
                with contextlib.suppress(TimeoutError):
                    await session.next_message(predicate=is_context, timeout=HOLD_S)
                if session.cut_off:
                    continue
                await session.send_text(f" {question}")
        except SessionClosed:
            return

    return model


def told_dropped(editor: EditorClient, question: str) -> bool:
    return any("dropped" in s.get("message", "") and question in s.get("message", "") for s in editor.statuses)


def stopped(editor: EditorClient) -> bool:
    return bool(editor.statuses) and "stopped retrying" in editor.statuses[-1].get("message", "")


async def settle(editor: EditorClient, question: str) -> None:
    """Wait for the answer (or the word that it was dropped); when faults in a row made the daemon stop, the user
    presses Retry, as the status asks."""
    for _ in range(4):
        await editor.wait_for(
            lambda: finals_of(editor, question) or told_dropped(editor, question) or stopped(editor),
            60,
            f"{question} settled",
        )
        if not stopped(editor):
            return
        await editor.command("livepair.retryNow")
        await editor.wait_for(lambda: not stopped(editor), 30, "the retry")
    raise AssertionError(f"{question}: the daemon kept stopping")


async def run(schedule: Schedule, root: Path) -> None:
    async with FakeLiveServer(api_key=API_KEY) as fake:
        fake.model = model_for(schedule, fake)
        env = fake.subprocess_env() | {TIME_SCALE_ENV: "0.1"}
        env.pop("GEMINI_API_KEY")
        env.pop("GOOGLE_GEMINI_BASE_URL")
        editor = await start_editor(root, env, settings_for(fake))
        try:
            uri = editor.open("f.py")
            await editor.command("livepair.start", {"apiKey": API_KEY})
            await editor.wait_state("listening")
            for k in range(schedule.questions):
                editor.replace_line(uri, 0, f"# round {k}")
                editor.send_editor_state(uri, k)
                question = f"q{k}?"
                await editor.command("livepair.ask", question)
                if schedule.over[k]:
                    await editor.wait_for(lambda: any(t["role"] == "model" for t in editor.transcripts), 30)
                    continue
                await settle(editor, question)
            check(schedule, editor, fake)
            fake.raise_errors()
        finally:
            await editor.lsp.shutdown_session()


def check(schedule: Schedule, editor: EditorClient, fake: FakeLiveServer) -> None:
    faults = len(schedule.fired)
    for k in range(schedule.questions):
        question = f"q{k}?"
        answers = finals_of(editor, question)
        assert answers <= 1, f"{question} answered {answers} times"
        if not schedule.over[k]:
            assert answers == 1 or told_dropped(editor, question), f"{question} lost"
        assert asked_anywhere(fake, question) <= 1 + faults, f"{question} asked again with nothing lost"
    user_cuts = sum(schedule.over)
    cuts = sum(s.turns.interruptions for s in fake.sessions if s.turns is not None)
    assert cuts <= user_cuts, f"{cuts} replies cut, {user_cuts} by the user: the daemon cut its own"
    partial = [t for t in model_finals(editor) if _squeezed(t) == "Answer:"]  # a reply cut before its end, unmarked
    assert len(partial) <= user_cuts, f"unmarked cut replies: {partial}"
    marked = [t for t in model_finals(editor) if t.endswith(CUT_OFF_MARK)]
    assert len(marked) <= faults
    for s in fake.sessions:
        for m in s.messages:
            text = "".join(m.texts())
            if RESTATEMENT in text:
                assert text.count(RESTATEMENT) == 1 and len(text.encode()) <= MAX_RESTATEMENT


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 10,  # the fixed set in `make test`; `make soak` draws afresh
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    print_blob=True,
)
@given(schedule=schedules())
# The intermittent failure ("q2? settled" timed out): q1 and q2 asked over q0's reply before its cut came back;
# the daemon took the second cut for q2's end, and the goAway's quiet moment closed the socket on q2's answer.
@example(schedule=Schedule(4, {(2, "on-question"): "go-away"}, [True, True, False, False]))
@example(schedule=Schedule(3, {(2, "on-question"): "go-away"}, [True, True, False]))
@pytest.mark.timeout(60 + 30 * (EXAMPLES + 2))  # the drawn set and the two explicit examples
def test_every_question_is_answered_exactly_once_whatever_the_faults(
    schedule: Schedule, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("chaos") / "ws"
    write_workspace(root)
    # the run consumes its faults: hypothesis may run the same example again (shrinking, replay)
    asyncio.run(run(Schedule(schedule.questions, dict(schedule.faults), list(schedule.over)), root))
