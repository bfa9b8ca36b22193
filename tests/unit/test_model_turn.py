"""What the user is shown of one model turn (session/model_turn.py): its words once, its sources once each, a reply
the connection cut marked as such, and nothing of it carried into the next turn."""

from __future__ import annotations

from livepair.session.model_turn import CUT_OFF_MARK, ModelTurn

DOCS = ("Python docs", "https://docs.python.org/3/")
PEP = ("PEP 8", "https://peps.python.org/pep-0008/")


def test_a_turn_says_its_words_with_each_source_once_and_the_next_starts_empty() -> None:
    turn = ModelTurn()
    turn.said(" Use ")
    turn.said("pathlib. ")
    turn.grounded((DOCS,), ("pathlib key=abc",))
    turn.grounded((DOCS, PEP), ("pathlib key=abc", "pep 8"))
    ended = turn.end(cut_off=False, redact=lambda q: q.replace("abc", "<key>"))
    assert ended.text == "Use pathlib."
    assert ended.links == (DOCS, PEP) and ended.queries == ("pathlib key=<key>", "pep 8")
    assert not ended.placed
    after = turn.end(cut_off=False, redact=str)
    assert (after.text, after.placed, after.links, after.queries) == ("", False, (), ())


def test_a_cut_off_reply_is_marked_and_a_silent_one_is_not() -> None:
    turn = ModelTurn()
    turn.said("Let me look at")
    turn.placed_advice()
    ended = turn.end(cut_off=True, redact=str)
    assert ended.text == f"Let me look at {CUT_OFF_MARK}" and ended.placed
    assert turn.end(cut_off=True, redact=str).text == ""  # nothing said: nothing to mark
