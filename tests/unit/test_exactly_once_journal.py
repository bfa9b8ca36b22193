"""The outbox's and the journal's share of exactly once (issue 22), without a socket: whose reply an
`interrupted` ends, what a resumed session is sent again, and what a fresh one is told."""

from __future__ import annotations

from livepair.backends.journal import MAX_RESTATEMENT_CHARS, RESTATEMENT_HEAD, Journal
from livepair.backends.outbox import Context, Outbox, Request


def test_a_question_over_a_reply_keeps_the_turn_through_the_old_replys_end() -> None:
    outbox = Outbox()
    first, second = Request("ask", "first?"), Request("ask", "second?")
    outbox.sent(first)
    assert outbox.model_content() == "ask"
    outbox.sent(second)  # the user asks over the reply
    outbox.add_context("typed")
    assert outbox.model_content() is None  # the rest of the old reply, still arriving
    end = outbox.interrupted(with_complete=False)
    assert not end.over and outbox.model_turn and outbox.next_polite() is None
    assert outbox.turn_complete() is None  # the old reply's own turnComplete ("interrupted > turn_complete")
    assert outbox.next_polite() is None, "the editor update waits for the new reply"
    assert outbox.model_content() == "ask"
    end = outbox.turn_complete()
    assert end is not None and end.over and end.request is second
    assert outbox.next_polite() == Context("typed")


def test_two_questions_over_a_reply_wait_for_both_cuts() -> None:
    """The chaos schedule that lost a question: q0 streaming, q1 and q2 asked before any cut came back. The
    service cuts q0's reply, starts q1's, and q2 cuts that too; only q2's own reply settles q2."""
    outbox, journal = Outbox(), Journal()
    q0, q1, q2 = Request("ask", "q0?"), Request("ask", "q1?"), Request("ask", "q2?")
    journal.sent(q0, 0.0)
    outbox.sent(q0)
    assert outbox.model_content() == "ask"
    for request in (q1, q2):
        journal.sent(request, 0.0)
        outbox.sent(request)
    end = outbox.interrupted(with_complete=True)  # q0's reply, cut by q1
    assert not end.over
    outbox.model_content()  # q1's reply starts
    end = outbox.interrupted(with_complete=True)  # and q2 cuts it
    assert not end.over and outbox.model_turn, "q2's turn is still to come"
    journal.superseded(outbox.answering, "Answer:")
    assert journal.unconsumed, "q2 is not answered yet"
    assert outbox.model_content() == "ask"
    end = outbox.turn_complete()
    assert end is not None and end.over and end.request is q2


def test_a_quiet_cut_with_one_clean_end_is_the_newer_questions() -> None:
    outbox = Outbox()
    q0, q1, q2 = Request("ask", "q0?"), Request("ask", "q1?"), Request("ask", "q2?")
    outbox.sent(q0)
    outbox.model_content()
    outbox.sent(q1)
    outbox.sent(q2)
    assert not outbox.interrupted(with_complete=True).over  # q0's reply
    outbox.model_content()  # q1's turn was cut before it spoke: this is q2's reply
    end = outbox.turn_complete()
    assert end is not None and end.over and end.request is q2


def test_questions_folded_into_one_turn_end_together() -> None:
    outbox, journal = Outbox(), Journal()
    first, second = Request("ask", "first?"), Request("ask", "second?")
    for request in (first, second):  # the second goes before the model said anything
        journal.sent(request, 0.0)
        outbox.sent(request)
    outbox.model_content()  # the service folded them: no cut is reported
    end = outbox.turn_complete()
    assert end is not None and end.over and end.request is second
    journal.answered("Both.", end.request)
    replay = journal.replay(now=1.0)  # no resumption update yet: both are restated, neither asked again
    assert not any(isinstance(item, Request) for item in replay)
    restated = replay[0]
    assert isinstance(restated, Context) and "User: first?" in restated.text and "User: second?" in restated.text


def test_replayed_questions_go_one_per_turn_as_they_were() -> None:
    outbox = Outbox()
    one, two = Request("failure", "it failed"), Request("ask", "why?")
    outbox.replay([one, two])
    outbox.add_context("typed")
    assert outbox.next_polite() is one
    outbox.sent(one)
    assert outbox.next_polite() is None
    outbox.model_content()
    outbox.turn_complete()
    assert outbox.next_polite() is two


def test_a_question_answered_after_the_mark_is_restated_not_asked_again() -> None:
    journal = Journal()
    question = Request("ask", "why?")
    journal.sent(question, 0.0)
    journal.answered("Because.", question)  # no resumption update came after the answer
    later = Context("typed a line")
    journal.sent(later, 0.1)
    replay = journal.replay(now=0.2)
    assert len(replay) == 2 and replay[1] == later
    restated = replay[0]
    assert isinstance(restated, Context) and restated.restated
    assert "User: why?" in restated.text and "You: Because." in restated.text


def test_a_handle_that_came_while_the_question_was_in_flight_does_not_hold_its_answer() -> None:
    """The race the go-away test met under load: the service issued a handle before it took the question, the
    handle arrived after the question went out; the turn completed; a reconnect before the next handle resumed
    from one without the exchange, and nothing restated it."""
    journal = Journal()
    question = Request("ask", "why?")
    journal.sent(question, 0.0)
    journal.handle(resumable=True, consumed_index=None)  # issued before the service took the question
    journal.answered("Because.", question)
    assert journal.unconsumed, "no handle since the answer: not the moment to change sockets"
    restated = journal.replay(now=0.1)
    assert len(restated) == 1 and isinstance(restated[0], Context) and restated[0].restated
    assert "User: why?" in restated[0].text and "You: Because." in restated[0].text, "restated, not lost"
    again = Journal()
    again.sent(question, 0.0)
    again.handle(resumable=True, consumed_index=None)
    again.answered("Because.", question)
    again.handle(resumable=True, consumed_index=None)  # the one the service sends once the turn completes
    assert not again.unconsumed and again.replay(now=0.1) == [], "in the resumed state: nothing to send"


def test_restatements_are_bounded_and_never_nested() -> None:
    journal = Journal()
    seed: Context | None = None
    for n in range(40):
        journal.sent(Context(f"editor state {n} " + "x" * 3000), float(n))
        question = Request("ask", f"question {n}?", context="held " + "y" * 2000)
        journal.sent(question, float(n))
        journal.answered(f"answer {n} " + "z" * 2000, question)
        seed, questions, _whole = journal.reseed()
        assert seed is not None and questions == []
        assert seed.text.count(RESTATEMENT_HEAD) == 1
        assert len(seed.text.encode()) <= MAX_RESTATEMENT_CHARS < 16 * 1024
        journal.sent(seed, float(n))  # the fresh session is told: this is not editor context to restate again
    assert seed is not None and "question 39?" in seed.text and "editor state 39" in seed.text
