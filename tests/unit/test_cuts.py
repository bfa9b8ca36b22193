"""The context store's cuts (terminal output kept by its tail, a diagnostic or command line by its head) never keep
part of a word a secret could be: the line or word the cut fell in goes, and nothing else."""

from __future__ import annotations

from livepair.context.store import MAX_TOKEN, OMITTED, head_of, whole_lines
from livepair.model import MAX_TERMINAL_OUTPUT


def test_head_of_drops_the_word_the_bound_split() -> None:
    assert head_of("deploy --token abcdef123456", 20) == "deploy --token"
    assert head_of("deploy --token abcdef123456", 15) == "deploy --token"  # the bound fell on the space
    assert head_of("deploy --token abcdef123456", 100) == "deploy --token abcdef123456"
    assert head_of("deploy --token abcdef123456", 14) == "deploy --token"  # the word ended at the bound
    assert head_of("x" * 50, 10) == ""  # one word, split: all of it goes


def test_a_word_longer_than_any_token_keeps_its_start() -> None:
    run = "echo " + "A" * (MAX_TOKEN * 3)
    assert head_of(run, MAX_TOKEN * 2) == run[: MAX_TOKEN * 2]


def test_whole_lines_drops_the_line_a_start_cut_fell_in() -> None:
    assert whole_lines("short output\nok\n") == "short output\nok\n"
    assert whole_lines(OMITTED + "en_of_a_token\nnext line\n") == OMITTED + "next line\n"
    full = "start of a token\n" + "y" * MAX_TERMINAL_OUTPUT + "\nlast\n"
    assert full[-MAX_TERMINAL_OUTPUT:][0] == "y"  # the cut falls inside the long line
    assert whole_lines(full[-MAX_TERMINAL_OUTPUT:]) == OMITTED + "last\n"
    assert whole_lines(OMITTED + "no line break at all") == OMITTED
