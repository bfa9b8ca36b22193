"""Spoken sentences that are not the tutor's requests, for measuring false triggers of the offline recogniser
(backends/offline/tutor_listen.py). Written for this measurement (no outside source).

TUNING was used to choose the searches, decoys and thresholds; HELD_OUT was written before tuning and only
measured, so its figure is the honest one for sentences nobody tuned against.
"""

from __future__ import annotations

TUNING = (
    # near-misses of the requests
    "give me a minute", "give me a hand", "give me a second", "give it a try", "give me the file", "give me a break",
    "another thing", "another one", "another test", "I need another hour", "show me the file", "show me the list",
    "what did I miss", "what did I do", "what did I write", "what did you learn", "hint hint", "I hate it",
    "give him a hint", "living in a tent", "he gave me a hint", "it is a hint of lemon",
    # what a learner says while coding
    "the weather is nice today", "can you pass me the salt", "let me think about this for a second",
    "good morning", "did the build pass", "that looks fine", "maybe later", "where was I", "turn it off",
    "why does this not work", "I think the loop is wrong", "let me run it again", "okay that makes sense",
    "where is the config file", "this variable is never used", "hold on", "I am going to get coffee",
    "print the value of x", "what time is it", "the test passed", "the test failed again", "open the terminal",
    "save the file", "I forgot the colon", "is this a list or a tuple", "how do I import this module",
    "what does this function return", "let me check the docs", "I see the problem now", "that was easy",
    "this is confusing", "can you help me", "one more time", "thank you very much", "the index is out of range",
    "the key is missing from the dictionary", "I will try a for loop", "it works now", "let me fix the typo",
    "we need a new branch", "commit the changes", "go to line ten", "scroll down a bit", "never mind",
    "what is a hash map", "I want to learn python", "I like this editor", "my program crashed",
    "the answer is forty two", "divide by zero", "hello there", "please wait", "yes", "no", "okay", "sure",
)  # fmt: skip
HELD_OUT = (
    "give me a moment", "give me a clue", "give me the answer", "give me a tip", "give me an example",
    "another day", "another error", "another way", "show me the code", "show me the error", "show me the way",
    "what did I break", "what did I change", "what did I type", "can I have a hint", "just a hint please",
    "I need a hint", "the hint was useful", "hint", "fix",
    "where did I put the file", "run the tests please", "why is this red", "the function takes two arguments",
    "I keep getting a syntax error", "let me read the error message", "is the server running", "close the window",
    "let us try something else", "I am not sure", "this should be a string", "what is a dictionary",
    "the list is empty", "that is not what I meant", "can you explain that again", "I wrote a new function",
    "start the program", "look at line five", "I think I got it", "this is taking a while",
)  # fmt: skip
