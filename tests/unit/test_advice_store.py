import asyncio

from livepair.advice.store import AdviceStore, diagnostic_key
from livepair.model import Diagnostic, DiagnosticSeverity, Position, Range

URI = "file:///ws/f.py"


def make_store(lines: list[str]) -> AdviceStore:
    return AdviceStore(lambda uri, n: lines[n] if uri == URI and 0 <= n < len(lines) else None)


def test_annotation_becomes_a_livepair_diagnostic_on_its_line() -> None:
    store = make_store(["import os", "open('x')"])
    store.annotate(URI, 1, "x is missing", "hint")
    (d,) = store.diagnostics(URI)
    assert (d.source, d.severity, d.range.start.line, d.message) == (
        "LivePair",
        DiagnosticSeverity.HINT,
        1,
        "x is missing",
    )
    assert store.explanation(URI, 1) == "x is missing"


def test_a_newer_remark_replaces_the_older_one_on_the_same_line() -> None:
    store = make_store(["a", "b"])
    store.annotate(URI, 0, "first")
    store.annotate(URI, 0, "second")
    assert [a.message for a in store.items(URI)] == ["second"]


def test_a_fix_not_offered_never_displaces_the_models_remark_whichever_lands_first() -> None:
    for note_first in (True, False):
        store = make_store(["a", "open('x')"])
        if note_first:
            store.note(URI, 1, "Use pathlib. (fix not offered: Path is not imported)")
        store.annotate(URI, 1, "x is read relative to where you ran it")
        if not note_first:
            store.note(URI, 1, "Use pathlib. (fix not offered: Path is not imported)")
        assert [a.message for a in store.items(URI)] == ["x is read relative to where you ran it"], note_first
    store.note(URI, 0, "first note")
    store.note(URI, 0, "second note")  # a line with only a note: the newer note replaces it
    assert [a.message for a in store.items(URI) if a.line == 0] == ["second note"]


def test_changed_line_drops_advice_and_moved_line_carries_it() -> None:
    lines = ["x = 1", "open('x')", "y = 2"]
    store = make_store(lines)
    store.annotate(URI, 1, "about open")
    store.annotate(URI, 2, "about y")
    lines.insert(0, "# header")  # everything moves down one line
    lines[3] = "y = 3"  # and the y line changed
    assert store.document_changed(URI)
    assert [(a.line, a.message) for a in store.items(URI)] == [(2, "about open")]


def test_fix_follows_its_line_and_is_found_by_range() -> None:
    lines = ["a", "b"]
    store = make_store(lines)
    rng = Range(Position(1, 0), Position(2, 0))
    store.propose_fix(URI, rng, "B\n", "Capitalise b. Because.")
    (item,) = store.fixes(URI, Range(Position(1, 0), Position(1, 0)))
    assert item.fix is not None and item.fix.title == "LivePair: Capitalise b"
    lines.insert(0, "new")
    store.document_changed(URI)
    assert store.fixes(URI, Range(Position(2, 0), Position(2, 0)))[0].fix.range.start.line == 2  # type: ignore[union-attr]


async def test_waiting_hover_is_resolved_by_an_annotation_on_its_line() -> None:
    store = make_store(["a", "b"])
    diag = Diagnostic(range=Range(Position(1, 0), Position(1, 1)), message="bad")
    key = diagnostic_key(URI, diag)
    fut, first = store.wait_explanation(key, URI, 1)
    fut2, second = store.wait_explanation(key, URI, 1)
    assert first and not second
    store.annotate(URI, 1, "because")
    assert await asyncio.wait_for(fut, 1) == "because" and fut2.result() == "because"
    assert store.pending_keys() == []


async def test_prose_answer_becomes_advice_and_abandon_cancels() -> None:
    store = make_store(["a"])
    diag = Diagnostic(range=Range(Position(0, 0), Position(0, 1)), message="bad")
    key = diagnostic_key(URI, diag)
    fut, _ = store.wait_explanation(key, URI, 0)
    item = store.explain_from_reply(key, "It is bad because.")
    assert item is not None and fut.result() == "It is bad because."
    fut, _ = store.wait_explanation(key, URI, 0)
    store.abandon(key)
    assert fut.cancelled()


def test_a_remark_and_a_fix_on_one_line_are_one_diagnostic() -> None:
    store = make_store(["a", "open('x')"])
    store.annotate(URI, 1, "x is missing")
    store.propose_fix(URI, Range(Position(1, 0), Position(2, 0)), "open('y')\n", "Open y instead.")
    (item,) = store.items(URI)
    assert item.message == "x is missing" and item.fix is not None and item.fix.title == "LivePair: Open y instead"
    store.annotate(URI, 1, "x is still missing")  # a newer remark keeps the fix
    (item,) = store.items(URI)
    assert item.message == "x is still missing" and item.fix is not None


def test_a_new_remark_and_its_fix_replace_an_older_pair_without_losing_the_remark() -> None:
    """On open: a remark and a fix; then the run fails: a newer remark and a newer fix. The line shows the newer
    remark with the newer fix, never the fix's short explanation in place of the remark."""
    store = make_store(["a", "open('x')"])
    rng = Range(Position(1, 0), Position(1, 9))
    store.annotate(URI, 1, "On open: x is read relative to the working directory.")
    store.propose_fix(URI, rng, "open(HERE / 'x')", "Open x next to the script.")
    store.annotate(URI, 1, "The run failed: x does not exist there; it is in src/.")
    (item,) = store.items(URI)
    assert item.message.startswith("The run failed") and item.fix is not None, "a new remark keeps the fix"
    store.propose_fix(URI, rng, "open(HERE / 'src' / 'x')", "Open src/x next to the script.")
    (item,) = store.items(URI)
    assert item.message.startswith("The run failed")
    assert item.fix is not None and item.fix.new_text == "open(HERE / 'src' / 'x')"


def test_one_finding_keeps_one_id_when_re_annotated_and_a_crash_stays_an_error_when_its_fix_joins() -> None:
    store = make_store(["import json", "open('data/config.json')"])
    first = store.annotate(URI, 1, "data/config.json may not be found from another folder", "info")
    crash = store.annotate(URI, 1, "data/config.json does not exist here; it is at src/data", "error")
    fixed = store.propose_fix(URI, Range.lines(1, 1), "open(HERE / 'src/data/config.json')\n", "Open it by path")
    assert first.id == crash.id == fixed.id, "one card per finding: the panel replaces it by id"
    (d,) = store.diagnostics(URI)
    assert d.severity == DiagnosticSeverity.ERROR and d.message.startswith("data/config.json does not exist")


def test_a_fix_is_offered_only_on_the_line_its_hint_is_on() -> None:
    lines = ["import json", "", "API_KEY = 'YOUR_KEY'", "", "open('data/config.json')"]
    store = make_store(lines)
    # The key's fix adds an import at the top: its edit spans lines 0-2 (end exclusive: line 3, char 0).
    store.propose_fix(URI, Range.lines(0, 2), "import json\nimport os\n\nAPI_KEY = os.environ['API_KEY']\n", "Read it")
    store.propose_fix(URI, Range.lines(4, 4), "open(HERE / 'data/config.json')\n", "Open it by path")
    at = {n: [a.line for a in store.fixes(URI, Range(Position(n, 0), Position(n, 1)))] for n in range(5)}
    assert at == {0: [], 1: [], 2: [2], 3: [], 4: [4]}
    assert [a.line for a in store.fixes(URI, Range.lines(2, 2))] == [2], "a whole-line range: that line only"


def test_advice_dropped_with_its_line_comes_back_on_an_undo() -> None:
    lines = ["import json", "open('x')"]
    store = make_store(lines)
    item = store.annotate(URI, 1, "x is missing", "error")
    lines[1] = "open('y')"
    assert store.document_changed(URI) and store.items(URI) == []
    lines[1] = "open('x')"
    assert store.document_changed(URI)
    assert [(a.id, a.severity) for a in store.items(URI)] == [(item.id, "error")]
    lines[1] = "open('z')"
    store.document_changed(URI)
    store.remove(item.id)  # retracted (its tool call cancelled) while its line was away
    lines[1] = "open('x')"
    store.document_changed(URI)
    assert store.items(URI) == [], "retracted advice does not come back"


def test_the_headline_is_the_cause_in_at_most_sixty_characters() -> None:
    from livepair.advice.store import headline

    long = (
        "The file 'data/config.json' does not exist relative to the working directory /tmp/ws/fpy. "
        "It exists at 'src/data/config.json'."
    )
    assert len(headline(long)) <= 60 and headline(long).startswith("The file 'data/config.json' does not exist")
    assert "/tmp/ws" not in headline(long)
    assert headline("NameError: name 'x' is not defined. Define it.") == "NameError: name 'x' is not defined"


def test_a_cause_given_with_the_advice_is_its_headline_whole_and_stays_when_the_fix_joins() -> None:
    lines = ["import json", "with open('data/config.json') as fh:"]
    store = make_store(lines)
    message = (
        "The file 'data/config.json' does not exist relative to the working directory. It exists at "
        "'src/data/config.json'. Open it relative to the script's own folder, Path(__file__).parent."
    )
    cause = "'data/config.json' is at src/data/config.json"
    item = store.annotate(URI, 1, message, "error", cause=cause)
    (d,) = store.diagnostics(URI)
    assert d.data == {"adviceId": item.id, "headline": cause}, "the cause, not the message's first sentence"
    store.propose_fix(URI, Range.lines(1, 1), "with open(HERE / 'src/data/config.json') as fh:\n", "Open it here")
    (d,) = store.diagnostics(URI)
    assert d.code == "fix" and d.data == {"adviceId": item.id, "headline": cause}
    store.annotate(URI, 1, "Something else entirely. More words.")  # a newer remark brings its own headline
    assert store.items(URI)[0].headline == "Something else entirely"


def test_a_cause_too_long_for_the_line_is_cut_like_a_message_and_a_blank_one_is_none() -> None:
    store = make_store(["x = 1"])
    long = "a cause that goes on " * 5
    assert store.annotate(URI, 0, "Short message.", cause=long).headline.endswith("…")
    assert len(store.items(URI)[0].headline) <= 60
    assert store.annotate(URI, 0, "Short message. More.", cause="  ").headline == "Short message"


def test_a_fix_title_too_long_loses_its_closing_remark_before_its_words() -> None:
    store = make_store(["with open('data/config.json') as fh:"])
    explanation = (
        "Open 'src/data/config.json' relative to the script's folder (re-run in a sandbox: it gets past the error)"
    )
    item = store.propose_fix(URI, Range.lines(0, 0), "with open(HERE) as fh:\n", explanation)
    assert (
        item.fix is not None
        and item.fix.title == "LivePair: Open 'src/data/config.json' relative to the script's folder"
    )
    short = store.propose_fix(URI, Range.lines(0, 0), "x = 1\n", "Use x (checked)")
    assert short.fix is not None and short.fix.title == "LivePair: Use x (checked)", "it fits: kept whole"


def test_the_hover_shows_the_words_as_written_not_as_markdown() -> None:
    """Editors render the hover's Markdown: Path(__file__) must not turn bold, nor [Errno 2] into a link."""
    from livepair.advice.explain import hover_markdown, run_evidence
    from livepair.model import TerminalRun

    lines = ["with open('data/config.json') as fh:"]
    store = make_store(lines)
    message = "It exists at 'src/data/config.json'. Open it relative to Path(__file__).parent, `so_it` works."
    item = store.annotate(URI, 0, message, "error", cause="'data/config.json' is at src/data/config.json")
    failed = 'Traceback:\n  File "/ws/f.py", line 1, in <module>\nFileNotFoundError: [Errno 2] No such file\n'
    run = run_evidence(TerminalRun("python3 f.py", failed, 1, "/ws"), "f.py", 1)
    md = hover_markdown(item, "f.py:1", lines[0], run, command_links=False, tell_me_more=":LivePairExplain")
    assert "**LivePair** — 'data/config.json' is at src/data/config.json" in md, "the headline leads"
    assert "`Path(__file__).parent`, " in md and "`so_it`" in md, "code, not bold: in a code span, as is"
    assert "FileNotFoundError: `[Errno 2]` No such file" in md, "not a link"
    assert "src/data/config.json" in md and "`'src" not in md, "plain words stay plain"
