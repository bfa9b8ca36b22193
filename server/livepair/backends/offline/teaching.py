"""The offline advisor as a tutor: a failure's first advice is its concept and a guiding question (no code that
fixes it); each "give me a hint" climbs one rung of the lesson's ladder (lessons.py); "show me the fix", or a hint
past the last, gives the advisor's own answer with its checked quick fix.

It speaks the tools the model uses in tutor mode — `record_concept`, `give_hint`, then `annotate` and
`propose_fix` — so the session keeps the same ladder and learning log whichever backend teaches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from livepair.backends.offline.edits import Fix
from livepair.backends.offline.enrich import Finding
from livepair.backends.offline.lessons import Lesson, lesson_before_running, lesson_for, node_lesson

Ask = Literal["hint", "fix"]
Call = Callable[[str, dict[str, Any]], None]
Say = Callable[[str, bool], None]  # text, prompted
NOTHING_TO_HINT = "I have no open problem to give a hint about: run your program, and I'll look at what fails."
NODE_FILES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")


@dataclass
class _Ladder:
    path: str  # relative to the workspace root
    line: int  # 1-based
    lesson: Lesson
    finding: Finding
    severity: str = "info"  # "error" when the program crashed there: every rung and the fix say so
    climbed: int = 0  # hints given after the question
    answered: bool = False  # the learner was shown the answer (and its fix, once it has one)


class OfflineTeacher:
    def __init__(self, level: str, call: Call, say: Say) -> None:
        self.level = level
        self._call = call
        self._say = say
        self._ladders: dict[tuple[str, int], _Ladder] = {}
        self._last: tuple[str, int] | None = None

    def teach(
        self,
        found: Finding,
        path: str,
        cwd: str,
        prompted: bool,
        turn: bool = True,
        output: str = "",
        severity: str = "info",
    ) -> bool:
        """Give the first rung for a finding on a line (`turn`: also said, not only placed; `output`: the failed
        run's words when the finding is about that run; `severity`: "error" where it crashed, else a risk's);
        False when it has no lesson (advise as a pair)."""
        if found.place is None:
            return False
        if found.match is not None:
            lesson = lesson_for(found.match, cwd, self.level)
        elif found.concept:
            lesson = lesson_before_running(found.concept, self.level)
        elif output and found.place.path.suffix in NODE_FILES:  # the Node detectors have no catalogue entry
            lesson = node_lesson(output, cwd, self.level)
        else:
            lesson = None
        if lesson is None:
            return False
        key = (path, found.place.line)
        known = self._ladders.get(key)
        if turn or self._last is None:
            # "Give me a hint" with no line means what the learner last heard about: a risk placed quietly on open
            # (found while the learner's run failed, say) must not take the request from that run's problem.
            self._last = key
        if known is not None and known.lesson.concept == lesson.concept and known.climbed > 0:
            text = self._rung_text(known)  # the same problem again: the learner is where they were on the ladder
            known.severity = "error" if "error" in (severity, known.severity) else severity
            self._hint(known, known.climbed + 1, text)
            if turn:
                self._say(text, prompted)
            return True
        ladder = _Ladder(path, found.place.line, lesson, found, severity)
        self._ladders[key] = ladder
        concept = lesson.concept
        if known is None or known.lesson.concept != concept:  # met once per problem, not again when it runs
            where = {"path": path, "line": ladder.line}
            self._call("record_concept", {"name": concept.title, "source": concept.url, **where, "check": lesson.check})
        self._hint(ladder, 1, lesson.question)
        if turn:
            self._say(lesson.question, prompted)
        return True

    def ask(self, action: Ask, path: str | None = None, line: int | None = None) -> None:
        """The learner asked for the next hint or the fix, for a line or for the latest problem."""
        key = (path, line) if path is not None and line is not None else self._last
        ladder = self._ladders.get(key) if key is not None else None
        if ladder is None:
            self._say(NOTHING_TO_HINT, True)
            return
        self._last = key
        if action == "hint" and ladder.climbed < len(ladder.lesson.hints):
            ladder.climbed += 1
            text = self._rung_text(ladder)
            self._hint(ladder, ladder.climbed + 1, text)
            self._say(text, True)
            return
        self._show_fix(ladder)

    def proven(self, path: str, line: int, fix: Fix) -> bool:
        """A possible cause's trial fix got past the error in its re-run: the answer's fix from now on (and now, if
        the learner has already asked for it). False: no lesson is taught there (the advisor offers it as a pair)."""
        ladder = self._ladders.get((path, line))
        if ladder is None:
            return False
        ladder.finding = replace(ladder.finding, fix=fix)
        if ladder.answered:
            self._propose(ladder)
        return True

    def forget(self, path: str, line: int) -> None:
        self._ladders.pop((path, line), None)

    def _hint(self, ladder: _Ladder, level: int, text: str) -> None:
        where = {"path": ladder.path, "line": ladder.line}
        self._call("give_hint", {**where, "level": level, "hint": text, "severity": ladder.severity})

    def _rung_text(self, ladder: _Ladder) -> str:
        if ladder.climbed == 0:
            return ladder.lesson.question
        total = len(ladder.lesson.hints)
        return f"Hint {ladder.climbed} of {total}: {ladder.lesson.hints[ladder.climbed - 1]}"

    def _show_fix(self, ladder: _Ladder) -> None:
        found = ladder.finding
        ladder.answered = True
        self._call(
            "annotate",
            {"path": ladder.path, "line": ladder.line, "message": found.message, "severity": _fix_severity(ladder)},
        )
        self._propose(ladder)
        more = " The quick fix is on that line." if found.fix is not None else ""
        self._say(f"The answer: {found.message}{more}", True)

    def _propose(self, ladder: _Ladder) -> None:
        fix = ladder.finding.fix
        if fix is not None:
            self._call(
                "propose_fix",
                {
                    "path": ladder.path,
                    "range": {"start_line": fix.start_line, "end_line": fix.end_line},
                    "new_text": fix.new_text,
                    "explanation": fix.explanation,
                },
            )


def _fix_severity(ladder: _Ladder) -> str:
    """What crashed stays an Error when its answer is shown; a risk found before running is a Warning."""
    return "error" if ladder.severity == "error" else "warning"
