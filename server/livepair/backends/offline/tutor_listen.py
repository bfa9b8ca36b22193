"""The tutor's spoken requests ("give me a hint", "another hint", "show me the fix"), heard offline.

In the command grammar (listen.py) "give me a hint" lost to a one-word decoy ("it", "okay") on every espeak-ng
voice: the decoder parks the unstressed "give me a" in silence, and one short word then explains the audio better
than the four-word phrase. So in tutor mode these phrases get searches of their own, run when the command grammar
heard no convincing command, on a decoder of their own with wider beams (with the default beams every path through
"give me a hint" was pruned before its end for two voices of six):

- "phrases": only the tutor phrases. It names the phrase; confidence.py's checks then judge it like any command.
- "shapes": the phrases against sentences of their own shape ("give me a minute", "another thing", "show me the
  list"). A veto: the phrase stands only if this search picks it too, which turns away the near-misses that the
  phrase search alone took for a phrase.

Measured on espeak-ng speech (bench/spoken_requests.py: 6 English voices x 3 speeds, clean and at 20 dB SNR; other
sentences in tests/media/voice/sentences.py): 91-92 of 108 requests heard (the command grammar alone: 33, all "show me
the fix"); the misses are the Caribbean, Scottish and RP voices. Other sentences taken for a request: 13 of 936 while
tuning (near-misses: "give me a minute", "another thing", "hint hint"; 2 are the command grammar's own), 5-6 of 480
held out (all "give me a tip"). Without the veto the phrase search alone took 67 of the 936.
"""

from __future__ import annotations

from typing import Any, Literal

TutorAction = Literal["hint", "fix"]
PHRASES: dict[str, TutorAction] = {
    "give me a hint": "hint",
    "another hint": "hint",
    "show me the fix": "fix",
}
# Words for the last slot of a sentence shaped like a phrase. Not "hit", "pen", "kiss" or "thing": on synthetic
# voices they beat a spoken "hint" or "fix" outright.
SLOT = ("hand", "minute", "second", "try", "chance", "call", "ride", "one", "time", "name", "file", "test", "list")
PHRASE_WEIGHT = 10_000  # the phrases against one shape: less, and the shapes took a third of the real requests
BEAMS = {"beam": 1e-80, "wbeam": 1e-60, "pbeam": 1e-80}


def phrases_grammar() -> str:
    return "#JSGF V1.0;\ngrammar phrases;\npublic <utterance> = " + " | ".join(PHRASES) + ";\n"


def shapes_grammar() -> str:
    """The phrases, and sentences of their shapes: none of these is a phrase (the slot holds neither word)."""
    slot = " | ".join(SLOT)
    return (
        "#JSGF V1.0;\ngrammar shapes;\n"
        f"public <utterance> = /{PHRASE_WEIGHT}/ ({' | '.join(PHRASES)}) | /1/ <give> | /1/ <another> | /1/ <show>;\n"
        f"<give> = (give | gave) (me | him | her | it | them | us) (a | an | the) ({slot});\n"
        f"<another> = another ({slot});\n"
        f"<show> = (show | tell | send) (me | him | us) (a | the) ({slot});\n"
    )


def load() -> Any:
    """A decoder holding both searches (pocketsphinx loads its model: ~0.1-0.3 s). Blocking."""
    from pocketsphinx import Decoder

    decoder = Decoder(lm=None, bestpath=False, loglevel="FATAL", **BEAMS)
    decoder.add_jsgf_string("phrases", phrases_grammar())
    decoder.add_jsgf_string("shapes", shapes_grammar())
    return decoder
