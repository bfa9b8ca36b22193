"""The text path end to end: editor context in, the fake model's advice out as diagnostics, hover and quick fix."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp

from livepair import scenario
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import MODEL
from tests.fakes.session import FakeSession
from tests.keys import API_KEY, GITHUB_TOKEN, GOOGLE_KEY
from tests.lsp.harness import EditorClient
from tests.lsp.test_session_events import start
from tests.processes import wait_until

EXPLANATION = "data/config.json is opened relative to where you ran the script; the file is in src/data."
HEADLINE = "The file is in src/data, not next to where you ran it"
UNIMPORTED = 'with open(Path(__file__).parent / "src" / "data" / "config.json") as fh:'  # f.py has no Path
FIXED = 'with open(__file__.removesuffix("f.py") + "src/data/config.json") as fh:'
LINE = scenario.MISSING_FILE_LINE - 1  # 0-based in LSP


def digest_with(text: str) -> Any:
    return lambda m: any(text in t for t in m.texts())


async def test_fpy_scenario_reaches_the_editor(editor: EditorClient, fake: FakeLiveServer, workspace: Path) -> None:
    responses: list[dict[str, Any]] = []

    async def model(session: FakeSession) -> None:
        await session.next_message("clientContent", digest_with("FileNotFoundError"))
        ids = await session.send_tool_call(
            [
                {
                    "name": "annotate",
                    "args": {
                        "path": "f.py",
                        "line": scenario.MISSING_FILE_LINE,
                        "message": EXPLANATION,
                        "headline": HEADLINE,
                        "severity": "warning",
                    },
                },
                {
                    "name": "propose_fix",
                    "args": {
                        "path": "f.py",
                        "range": {"start_line": 8, "end_line": 8},
                        "new_text": UNIMPORTED,
                        "explanation": "Use pathlib.",
                    },
                },
                {
                    "name": "propose_fix",
                    "args": {
                        "path": "f.py",
                        "range": {"start_line": 8, "end_line": 8},
                        "new_text": FIXED,
                        "explanation": "Open the config next to f.py.",
                    },
                },
                {"name": "read_file", "args": {"path": "settings_local.py"}},
                {"name": "read_file", "args": {"path": "../../etc/passwd"}},
                {"name": "get_terminal_output", "args": {}},
            ]
        )
        responses.extend(await session.wait_tool_response(ids))
        await session.send_text("Run it from its folder.")  # spoken in real time: short
        await session.wait_closed(timeout=60)

    fake.model = model
    uri = editor.open("f.py")
    editor.send_diagnostics(uri, scenario.diagnostics())
    editor.send_editor_state(uri, LINE)
    output = scenario.terminal_output(workspace) + f"GET https://api.example/v1?key={GOOGLE_KEY}\n"
    editor.send_terminal("python f.py", output, 1)

    started = await editor.command("livepair.start", {"apiKey": API_KEY})
    assert started["backend"] == "gemini"
    await editor.wait_state("listening")

    # The annotation is a LivePair diagnostic on the open() line, the fix a quick fix.
    # (The unimported fix's "fix not offered" note never displaces the annotation, whichever call ends first.)
    def annotated() -> list[lsp.Diagnostic] | None:
        found = editor.livepair_diagnostics(uri)
        return found if any(d.message == EXPLANATION for d in found) else None

    diags = await editor.wait_for(annotated, what="the annotation")
    assert {d.range.start.line for d in diags} == {LINE}
    # The model's own headline goes with it, as written, for the editors' inline hint (and it keeps it once the
    # unimported fix's note has come and gone).
    assert [d.data["headline"] for d in diags if isinstance(d.data, dict)] == [HEADLINE]
    assert all(
        d.severity in (lsp.DiagnosticSeverity.Information, lsp.DiagnosticSeverity.Warning, lsp.DiagnosticSeverity.Hint)
        for d in diags
    )

    # The editor's own hover shows the hint's message: ours adds the evidence and "Tell me more", never a second copy.
    hover = await editor.hover(uri, LINE)
    assert hover is not None and EXPLANATION not in hover, "no second copy of the message"
    assert "**Evidence:**" in hover and "[Tell me more](command:livepair.ask?" in hover

    actions = await editor.code_actions(uri, LINE)
    fixes = [a for a in actions if a.edit is not None]
    assert len(fixes) == 1 and "Open the config next to f.py" in fixes[0].title
    assert fixes[0].edit is not None and fixes[0].edit.changes is not None
    (edit,) = fixes[0].edit.changes[uri]
    assert edit.new_text == FIXED + "\n"
    assert (edit.range.start.line, edit.range.end.line, edit.range.end.character) == (LINE, LINE + 1, 0)

    # What the model said is also text in the editor.
    await editor.wait_for(
        lambda: any(t["role"] == "model" and t["final"] and "from its folder" in t["text"] for t in editor.transcripts),
        what="final model transcript",
    )
    assert any(a["message"] == EXPLANATION for a in editor.advice)

    # Tools answered: the read file was redacted, a path outside the workspace refused.
    by_name = {r["name"]: r for r in responses if r["name"] not in ("read_file", "propose_fix")}
    reads = [r for r in responses if r["name"] == "read_file"]
    unimported, fixed = (r["response"] for r in responses if r["name"] == "propose_fix")
    assert "fix not offered: the fix would use 'Path'" in unimported["error"] and fixed["ok"] is True
    assert by_name["annotate"]["response"]["ok"] is True
    assert "<secret:GITHUB_TOKEN#1>" in reads[0]["response"]["content"]
    assert "outside the workspace" in reads[1]["response"]["error"]
    assert by_name["get_terminal_output"]["response"]["exit_code"] == 1

    # What left the machine: the setup, the digest, and no secret anywhere.
    (setup,) = fake.setups()
    assert setup["model"].endswith(MODEL)
    names = {f["name"] for t in setup["tools"] for f in t.get("functionDeclarations", [])}
    assert names == {
        "annotate",
        "propose_fix",
        "read_file",
        "get_diagnostics",
        "get_terminal_output",
        "run_command",
        "run_python",
        "search_workspace",
        "open_location",
        "apply_edit",
    }
    assert "senior software developer" in setup["systemInstruction"]["parts"][0]["text"]
    # The context digest is held while the model has the turn (client content would cut its reply): it goes
    # after the reply's turnComplete, which may land just after the transcript the editor saw.
    await wait_until(lambda: "Last terminal command: `python f.py`" in "\n".join(fake.texts_sent()), "the digest")
    sent = "\n".join(fake.texts_sent())
    assert "Last terminal command: `python f.py`" in sent and "(exit 1)" in sent
    assert 'with open("data/config.json") as fh:' in sent  # the excerpt around the cursor
    assert "Hard-coded placeholder API key" in sent  # the editor's diagnostics
    assert "<secret:GOOGLE_API_KEY#1>" in sent
    everything = fake.all_text()
    assert GOOGLE_KEY not in everything and GITHUB_TOKEN not in everything and API_KEY not in everything
    assert fake.headers[0]["x-goog-api-key"] == API_KEY


async def test_unchanged_context_is_not_resent(editor: EditorClient, fake: FakeLiveServer) -> None:
    uri = await start(editor)
    session = await fake.wait_session()
    first = await session.next_message("clientContent", digest_with("Diagnostics (1)"))
    assert first.body.get("turnComplete") in (None, False)  # context does not demand a reply

    editor.send_diagnostics(uri, scenario.diagnostics())  # same again: nothing new to say
    editor.send_editor_state(uri, 2)  # the cursor moved: only the editor section is sent
    moved = await session.next_message("clientContent", digest_with("cursor at line 3"))
    assert "Diagnostics (1)" not in "".join(moved.texts())


async def test_hover_asks_the_model_and_caches_the_answer(editor: EditorClient, fake: FakeLiveServer) -> None:
    explain_requests: list[str] = []

    async def model(session: FakeSession) -> None:
        while True:
            msg = await session.next_message("clientContent", digest_with("Explain this problem"), timeout=60)
            explain_requests.append("".join(msg.texts()))
            await session.send_tool_call(
                [
                    {
                        "name": "annotate",
                        "args": {
                            "path": "f.py",
                            "line": scenario.API_KEY_LINE,
                            "message": "That key is a placeholder.",
                        },
                    }
                ]
            )
            await session.send_turn_complete()

    fake.model = model
    uri = await start(editor)

    line = scenario.API_KEY_LINE - 1
    first = await editor.hover(uri, line)
    assert first is not None and first.startswith("**LivePair** — That key is a placeholder.\n")
    assert "**Evidence:**" in first and "Tell me more" in first
    assert await editor.hover(uri, line) == first, "the second hover is answered from the cache, the same"
    assert len(explain_requests) == 1 and "Hard-coded placeholder API key" in explain_requests[0]

    # Changing the line invalidates the explanation: the hint goes, and the next hover asks again.
    editor.replace_line(uri, line, 'API_KEY = os.environ["WEATHER_KEY"]')
    await editor.wait_for(lambda: not editor.livepair_diagnostics(uri), what="stale advice removed")
    again = await editor.hover(uri, line)
    assert again is not None and again.startswith("**LivePair** — That key is a placeholder.\n")
    assert len(explain_requests) == 2


async def test_slow_explanation_shows_thinking_then_a_hint(editor: EditorClient, fake: FakeLiveServer) -> None:
    release = asyncio.Event()

    async def model(session: FakeSession) -> None:
        await session.next_message("clientContent", digest_with("Explain this problem"), timeout=60)
        await release.wait()
        await session.send_text("Read the key from the environment.")
        await session.wait_closed(timeout=60)

    fake.model = model
    editor.lsp.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams(settings={"livepair": {"hoverWaitMs": 0}})
    )
    uri = await start(editor)

    line = scenario.API_KEY_LINE - 1
    hover = await editor.hover(uri, line)
    assert hover is not None and "thinking" in hover
    release.set()
    # The prose answer arrives later and becomes a hint on the line, and the hover's answer from then on.
    diags = await editor.wait_for(lambda: editor.livepair_diagnostics(uri), what="late explanation hint")
    assert diags[0].range.start.line == line and "environment" in diags[0].message
    hover = await editor.hover(uri, line)
    assert hover is not None and "environment" in hover
