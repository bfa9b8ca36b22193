"""The reconnect policy and the journal, as pure logic (the faults themselves: tests/live/test_faults.py)."""

from __future__ import annotations

import random
import ssl

from google.genai import errors
from websockets.exceptions import ConnectionClosedError
from websockets.frames import Close

from livepair.backends.journal import SPEECH_REPLAY_S, Journal, Realtime, ToolResponse
from livepair.backends.outbox import Context, Request
from livepair.backends.reconnect import Backoff, Refusals, Stalled, classify
from livepair.context.store import MAX_DIAGNOSED_DOCUMENTS, ContextStore
from livepair.model import Diagnostic, Position, Range

MODEL = "gemini-3.8-live"


def close(code: int, reason: str) -> errors.APIError:
    return errors.APIError(code, {"message": reason})


def test_each_failure_gets_one_verdict_with_a_message_for_the_user() -> None:
    def verdict(exc: BaseException, resuming: bool = False, set_up: bool = True) -> tuple[str, str]:
        v = classify(exc, model=MODEL, resuming=resuming, set_up=set_up)
        return v.kind, v.message

    assert verdict(close(1011, "Internal error encountered."))[0] == "retry"
    assert verdict(close(1000, ""))[0] == "retry"
    assert verdict(close(1007, "Request contains an invalid argument."))[0] == "retry"
    kind, message = verdict(close(1008, "API key not valid. Please pass a valid API key."))
    assert kind == "fatal" and "'LivePair: Set Gemini API key'" in message
    kind, message = verdict(close(1008, "The caller does not have permission"))
    assert kind == "fatal" and "permission" in message
    kind, message = verdict(close(1008, f"models/{MODEL}-x is not found for API version v1beta"))
    assert kind == "fatal" and "not available" in message
    # A setup with a handle refused: one fresh session, not a stop (and not "check the API key").
    assert verdict(close(1008, "Session resumption handle is invalid."), resuming=True, set_up=False)[0] == "fresh"
    assert verdict(ConnectionClosedError(None, None))[0] == "retry"  # a close before setup was read
    assert verdict(ConnectionClosedError(Close(1011, "x"), None))[0] == "retry"
    assert verdict(ValueError("Failed to parse response: b'{\"serverC'"))[1] == "Gemini sent a broken message."
    assert verdict(TypeError("'<=' not supported"))[0] == "retry"
    kind, message = verdict(ssl.SSLCertVerificationError(1, "certificate verify failed"))
    assert kind == "retry" and "Secure connection" in message
    kind, message = verdict(ConnectionRefusedError(111, "Connection refused"))
    assert kind == "retry" and message == "Cannot reach Gemini (Connection refused)."
    assert verdict(Stalled())[1] == "Gemini went silent."
    for _, message in [verdict(TypeError("'<=' not supported between 'int' and 'NoneType'"))]:
        assert "NoneType" not in message  # no Python error text reaches the status


def test_backoff_grows_with_jitter_keeps_going_and_resets_only_when_told() -> None:
    backoff = Backoff(rng=random.Random(3))
    delays = [backoff.next_delay() for _ in range(12)]
    assert all(0.25 <= d <= 30 for d in delays) and delays[-1] >= 15  # capped, never given up
    assert all(later > earlier for earlier, later in zip(delays[:6], delays[2:8], strict=True))
    assert len({round(d, 6) for d in delays[8:]}) == 4  # jittered at the cap
    backoff.succeeded()
    assert backoff.next_delay() <= 0.5


def test_the_same_message_refused_twice_is_dropped() -> None:
    refusals = Refusals()
    question, other = Request("ask", "q"), Request("ask", "q")  # equal text, a different message
    assert not refusals.refused(question)
    assert not refusals.refused(other)
    assert refusals.refused(question)


def test_a_resumed_session_gets_what_the_handle_does_not_hold() -> None:
    journal = Journal()
    journal.new_connection()
    context, question = Context("editor"), Request("ask", "why?")
    journal.sent(context, 0.0)
    journal.handle(True, None)  # the context is in the state
    journal.sent(question, 0.1)
    journal.sent(Realtime("audio", b"old"), 0.2)
    journal.sent(Realtime("audio", b"new"), 9.0)
    journal.sent(Realtime("video", b"frame-1"), 9.0)
    journal.sent(Realtime("video", b"frame-2"), 9.5)
    later = Context("typed a line")
    journal.sent(later, 9.6)
    assert journal.unconsumed
    replay = journal.replay(now=10.0)
    assert replay == [question, Realtime("audio", b"new"), later, Realtime("video", b"frame-2")]
    assert SPEECH_REPLAY_S < 10.0 - 0.2  # the old speech was stale


def test_a_question_still_being_answered_is_replayed_even_before_the_mark() -> None:
    journal = Journal()
    question = Request("ask", "why?")
    journal.sent(question, 0.0)
    journal.handle(True, None)  # arrived after the question went, but the service is not resumable mid-answer
    assert journal.replay(now=1.0) == [question]
    journal.sent(question, 1.0)
    journal.answered("Because.", question)
    journal.handle(True, None)
    assert journal.replay(now=2.0) == []


def test_with_the_index_the_mark_is_exact_and_stale_calls_are_cancelled() -> None:
    journal = Journal()
    journal.new_connection()
    first, second = Context("a"), Context("b")
    journal.sent(first, 0.0)  # index 0
    journal.sent(second, 0.0)  # index 1
    journal.call_arrived("call-1")
    journal.handle(True, 0)  # the service holds message 0 only
    assert journal.stale_calls() == ("call-1",)
    journal.sent(ToolResponse("call-1", "annotate", {}), 0.1)
    assert journal.replay(now=0.2) == [second]  # a response to a call the state never made is not re-sent


def test_a_fresh_session_is_reseeded_with_the_conversation_and_the_context() -> None:
    journal = Journal()
    journal.sent(Context("f.py line 8: open('data.txt')"), 0.0)
    asked = Request("ask", "what is on line 8?")
    journal.sent(asked, 0.1)
    journal.answered("It opens data.txt.", asked)
    pending = Request("ask", "and line 9?")
    journal.sent(pending, 0.2)
    seed, questions, whole = journal.reseed()
    assert seed is not None and whole
    assert "User: what is on line 8?" in seed.text and "You: It opens data.txt." in seed.text
    assert "f.py line 8" in seed.text
    assert questions == [pending]


def test_the_store_keeps_diagnostics_for_a_bounded_number_of_documents() -> None:
    store = ContextStore(lambda _uri: None)
    diagnostic = Diagnostic(Range(Position(0, 0), Position(0, 1)), "x")
    for n in range(MAX_DIAGNOSED_DOCUMENTS + 5):
        store.set_diagnostics(f"file:///f{n}.py", [diagnostic])
    assert len(store.diagnostics) == MAX_DIAGNOSED_DOCUMENTS
    assert (
        "file:///f0.py" not in store.diagnostics and f"file:///f{MAX_DIAGNOSED_DOCUMENTS + 4}.py" in store.diagnostics
    )


def test_a_dropped_question_is_owed_no_answer() -> None:
    journal = Journal()
    dropped, next_one = Request("ask", "poison"), Request("ask", "fine")
    journal.sent(dropped, 0.0)
    journal.forget(dropped)
    journal.sent(next_one, 0.1)
    journal.answered("Fine.", next_one)  # the answer is to the question that went through
    journal.handle(True, None)
    assert journal.replay(now=1.0) == [] and not journal.unconsumed
