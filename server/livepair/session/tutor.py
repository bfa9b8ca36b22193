"""Tutor mode's side of the session: the problems the learner is working on, one ladder of hints each, the
learner's own fix noticed, and the private learning log (learning_log.py).

Problems come from the tutor's tools (`record_concept`, `give_hint`: tools/tutor_tools.py), whichever backend
calls them — the offline advisor (backends/offline/teaching.py) or the model. The learner climbs a ladder with the
"Give me a hint" / "Show me the fix" code actions (lsp/features/tutor.py), typed or by voice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from livepair.model import TerminalRun
from livepair.session.learning_log import LearningLog
from livepair.uris import uri_to_path

CMD_HINT = "livepair.hint"
CMD_SHOW_FIX = "livepair.showFix"


@dataclass
class Problem:
    uri: str
    line: int  # 0-based
    concept: str = ""
    source: str = ""
    check: str = ""  # one question to check understanding, asked at most once
    level: int = 0  # the highest rung given
    fix_shown: bool = False
    run: tuple[str, str | None] | None = None  # (command, cwd) of the failed run it came from
    solved: bool = False


class Tutor:
    def __init__(self, level: str, last_failed_run: Callable[[], TerminalRun | None], log: LearningLog) -> None:
        self.level = level
        self.log = log
        self._last_failed_run = last_failed_run
        self._problems: dict[tuple[str, int], Problem] = {}

    # -- from the tutor's tools ---------------------------------------------------------------------
    def concept(self, uri: str, line: int | None, name: str, source: str, check: str = "") -> None:
        """The model (or the offline advisor) names the concept behind a problem, with its documentation page."""
        problem = self._problem(uri, line) if line is not None else None
        if problem is not None:
            problem.concept, problem.source, problem.check = name, source, check or problem.check
        self.log.record("met", name, source=source)

    def hint_given(self, uri: str, line: int, level: int) -> Problem:
        problem = self._problem(uri, line)
        if level > 1 and level > problem.level:
            self.log.record("hint", problem.concept or "(unnamed)", level=level)
        problem.level = max(problem.level, level)
        return problem

    def fix_shown(self, uri: str, line: int | None = None) -> None:
        """A quick fix was offered in this document (or the answer put on a problem's line): its open problems were
        fixed with the fix, not alone."""
        for problem in self._problems.values():
            if line is not None and problem.line != line:
                continue
            if problem.uri == uri and not problem.fix_shown and not problem.solved:
                problem.fix_shown = True
                self.log.record("fix", problem.concept or "(unnamed)")

    # -- the learner --------------------------------------------------------------------------------
    def open_at(self, uri: str, first: int, last: int) -> Problem | None:
        """An open problem on these lines (0-based) whose fix the learner has not asked for yet."""
        for (u, line), problem in self._problems.items():
            if u == uri and first <= line <= last and not problem.fix_shown and not problem.solved:
                return problem
        return None

    def run_finished(self, run: TerminalRun) -> str | None:
        """A run that failed before now passes: one line of praise naming what was learned (and, once, a check
        question); None when this run proves nothing new."""
        if run.exit_code != 0 or run.failed:
            return None
        done = [p for p in self._problems.values() if not p.solved and p.run == (run.command, run.cwd)]
        if not done:
            return None
        lines: list[str] = []
        for problem in done:
            problem.solved = True
            self.log.record("solved", problem.concept or "(unnamed)", alone=not problem.fix_shown)
            what = problem.concept or "this problem"
            if problem.fix_shown:
                lines.append(f"It runs now: you applied the fix for {what}.")
            else:
                lines.append(f"You fixed it yourself: it runs now. You learned about {what}.")
                if problem.check:
                    lines.append(problem.check)
                    problem.check = ""
        return " ".join(lines)

    def _problem(self, uri: str, line: int) -> Problem:
        key = (uri, line)
        problem = self._problems.get(key)
        run = self._last_failed_run()
        path = uri_to_path(uri)
        if run is not None and (path is None or path.name not in run.output):
            run = None  # that run failed elsewhere: its passing says nothing about this line
        if problem is None or problem.solved:
            problem = Problem(uri, line, run=(run.command, run.cwd) if run is not None else None)
            self._problems[key] = problem
        elif problem.run is None and run is not None:  # seen before running (on open); now a run fails there
            problem.run = (run.command, run.cwd)
        return problem
