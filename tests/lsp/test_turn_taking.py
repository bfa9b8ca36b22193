"""The senior dev on the Live service's rules (the simulator, the real SDK, the real daemon over stdio): it speaks up
when a run fails, never cuts itself off with editor context, sends each model only what it accepts, and counts
every token it was billed."""

from __future__ import annotations

from pathlib import Path

import pytest

from livepair import scenario
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import MODEL, starts_turn
from tests.fakes.session import FakeSession
from tests.keys import API_KEY
from tests.live.test_simulator_rules import CURRENT_MODELS
from tests.lsp.harness import EditorClient, settings_for, start_editor

LINE = scenario.MISSING_FILE_LINE - 1
FIVE_SECONDS = " ".join(["word"] * 12) + "."  # 12 words: about 5 s of speech
HINT = "data/config.json is read relative to where you ran it; the file is in src/data."


def texts(session: FakeSession) -> str:
    return "\n".join(t for m in session.messages for t in m.texts())


async def test_a_failed_run_gets_a_hint_on_its_line_unasked(editor: EditorClient, fake: FakeLiveServer) -> None:
    async def model(session: FakeSession) -> None:
        request = await session.next_message(predicate=starts_turn, timeout=30)
        assert "FileNotFoundError" in "".join(request.texts())
        await session.send_tool_call(
            [{"name": "annotate", "args": {"path": "f.py", "line": LINE + 1, "message": HINT}}]
        )
        await session.send_text("Check the path.")  # spoken in real time: short
        await session.wait_closed(timeout=60)

    fake.model = model
    uri = editor.open("f.py")
    await editor.command("livepair.start", {"apiKey": API_KEY})
    await editor.wait_state("listening")
    editor.send_terminal("python f.py", scenario.terminal_output(editor.root), 1)  # the user asks nothing
    diags = await editor.wait_for(lambda: editor.livepair_diagnostics(uri), what="the hint")
    assert [(d.range.start.line, d.message) for d in diags] == [(LINE, HINT)]
    editor.send_terminal("python f.py", scenario.terminal_output(editor.root), 1)  # the same failure again
    await editor.wait_for(lambda: any(t["role"] == "model" and t["final"] for t in editor.transcripts), what="reply")
    session = fake.sessions[0]
    requests = [m for m in session.messages if starts_turn(m)]
    assert len(requests) == 1, "once per problem"


@pytest.mark.slow
async def test_editor_updates_never_cut_the_senior_dev_off(editor: EditorClient, fake: FakeLiveServer) -> None:
    heard_by_turn_end: list[int] = []  # how many client messages the service had when each reply ended

    async def model(session: FakeSession) -> None:
        while True:
            await session.next_message(predicate=starts_turn, timeout=60)
            await session.send_text(FIVE_SECONDS)
            heard_by_turn_end.append(len(session.messages))

    fake.model = model
    uri = editor.open("f.py")
    await editor.command("livepair.start", {"apiKey": API_KEY})
    await editor.wait_state("listening")
    await editor.command("livepair.ask", "Talk me through it.")
    session = await fake.wait_session()
    await fake.wait_until(lambda: any("modelTurn" in m.get("serverContent", {}) for m in session.sent), timeout=30)
    # While it speaks: the user types, moves the cursor, and a language server republishes its diagnostics.
    for n in range(5):
        editor.replace_line(uri, 0, f"# typing {n}")
        editor.send_editor_state(uri, n)
        editor.send_diagnostics(uri, [scenario.diagnostics()[0] | {"message": f"refreshed {n}"}])
    await editor.wait_for(
        lambda: any(t["role"] == "model" and t["final"] and "word" in t["text"] for t in editor.transcripts),
        timeout=30,
        what="the whole reply",
    )
    assert session.turns is not None and session.turns.interruptions == 0
    assert not any(m.get("serverContent", {}).get("interrupted") for m in session.sent)
    await fake.wait_until(lambda: "# typing 4" in texts(session) and "refreshed 4" in texts(session), timeout=30)
    during = [t for m in session.messages[: heard_by_turn_end[0]] for t in m.texts()]
    assert not any("typing" in t or "refreshed" in t for t in during), "the edits waited for the turn to end"

    # The user's own question still cuts it off at once.
    sent = len(session.sent)
    await editor.command("livepair.ask", "Again, please.")
    await fake.wait_until(
        lambda: any("modelTurn" in m.get("serverContent", {}) for m in session.sent[sent:]), timeout=30
    )
    await editor.command("livepair.ask", "Stop, I got it.")
    await fake.wait_until(lambda: session.turns is not None and session.turns.interruptions == 1, timeout=30)


@pytest.mark.slow
@pytest.mark.parametrize("model", CURRENT_MODELS)
async def test_every_current_model_gets_only_what_it_accepts(workspace: Path, fake: FakeLiveServer, model: str) -> None:
    async def answer(session: FakeSession) -> None:
        while True:
            await session.next_message(predicate=starts_turn, timeout=60)
            await session.send_text("Noted.")

    fake.model = answer
    env = fake.subprocess_env()
    env.pop("GOOGLE_GEMINI_BASE_URL")
    editor = await start_editor(workspace, env, settings_for(fake, model=model, apiVersion="v1alpha"))
    try:
        uri = editor.open("f.py")
        await editor.command("livepair.start", {"apiKey": API_KEY})
        await editor.wait_state("listening")
        for question in ("first?", "second?"):
            await editor.command("livepair.ask", question)
            await editor.wait_for(lambda q=question: _answered(editor, q), timeout=20, what=f"answer to {question}")
            editor.replace_line(uri, 0, f"# after {question}")  # context between turns
            editor.send_editor_state(uri, 0)
        session = fake.sessions[-1]
        assert len(fake.sessions) == 1 and session.close_code is None, "accepted, and nothing refused"
        assert "# after first?" in texts(session), "the context reached the model"
    finally:
        await editor.lsp.shutdown_session()


def _answered(editor: EditorClient, question: str) -> bool:
    asked = next((i for i, t in enumerate(editor.transcripts) if t["role"] == "user" and t["text"] == question), None)
    return asked is not None and any(
        t["role"] == "model" and t["final"] and t["text"] == "Noted." for t in editor.transcripts[asked:]
    )


@pytest.mark.slow
async def test_a_retired_model_is_reported_as_unavailable_without_retrying(
    workspace: Path, fake: FakeLiveServer
) -> None:
    env = fake.subprocess_env()
    env.pop("GOOGLE_GEMINI_BASE_URL")
    retired = "gemini-2.5-flash-native-audio-preview-09-2025"
    editor = await start_editor(workspace, env, settings_for(fake, model=retired))
    try:
        await editor.command("livepair.start", {"apiKey": API_KEY})
        status = await editor.wait_state("error")
        assert f"'{retired}' is not available" in status["message"] and MODEL in status["message"]
        assert "API key" not in status["message"]
        assert len(fake.sessions) == 1, "no retry loop"
    finally:
        await editor.lsp.shutdown_session()


@pytest.mark.slow
async def test_the_meter_adds_up_over_turns_and_a_reconnect(editor: EditorClient, fake: FakeLiveServer) -> None:
    dropped: list[int] = []

    async def model(session: FakeSession) -> None:
        while True:
            message = await session.next_message(predicate=starts_turn, timeout=60)
            if "drop" in "".join(message.texts()) and not dropped:
                dropped.append(session.index)
                await session.close(1011, "Internal error encountered.")
                return
            await session.send_text("Short answer.")

    fake.model = model
    await editor.command("livepair.start", {"apiKey": API_KEY})
    await editor.wait_state("listening")

    def answers() -> int:
        return sum(1 for t in editor.transcripts if t["role"] == "model" and t["final"])

    for n, question in enumerate(("one?", "two?"), start=1):
        await editor.command("livepair.ask", question)
        await editor.wait_for(lambda n=n: answers() >= n, what=f"answer {n}")
    await editor.command("livepair.ask", "drop now")  # the service fails: a new connection, resumed, asked again
    await fake.wait_session(n=2)
    await editor.wait_for(lambda: answers() >= 3, what="answer 3, on the new connection")
    await editor.command("livepair.ask", "three?")
    await editor.wait_for(lambda: answers() >= 4, what="answer 4")
    billed = [m["usageMetadata"] for s in fake.sessions for m in s.sent if "usageMetadata" in m]
    assert len(billed) == 4 and len(fake.sessions) == 2
    usage = await editor.wait_for(
        lambda: next((s["usage"] for s in reversed(editor.statuses) if (s.get("usage") or {}).get("turns") == 4), None),
        what="four turns in the meter",
    )
    assert usage["totalTokens"] == sum(b["totalTokenCount"] for b in billed)
    assert usage["promptTokens"] == sum(b["promptTokenCount"] for b in billed)
    audio_out = sum(d["tokenCount"] for b in billed for d in b["responseTokensDetails"] if d["modality"] == "AUDIO")
    assert usage["responseByModality"]["AUDIO"] == audio_out > 0
    assert usage["estimatedCostUsd"] > 0
