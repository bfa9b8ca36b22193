"""A hint's explanation as the hover shows it: the cause, why, the evidence (the lines involved), the fix, and
"Tell me more" (a question to the senior dev about this finding). Pure: the caller gives the texts it has."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from livepair.advice.store import Advice
from livepair.model import TerminalRun

ASK_COMMAND = "livepair.ask"
MAX_EVIDENCE_CHARS = 160
MAX_FIX_LINES = 8


def tell_me_more_question(where: str, advice: Advice) -> str:
    return f"Tell me more about the hint on {where}: {advice.headline}"


def run_evidence(run: TerminalRun | None, path: str, line: int) -> str | None:
    """The failing run's last line when its traceback passes through this file's line (1-based `line`)."""
    if run is None or not run.failed:
        return None
    name = re.escape(path.rsplit("/", 1)[-1])
    if not re.search(rf'File "[^"]*{name}", line {line}\b', run.output):
        return None
    last = next((ln.strip() for ln in reversed(run.output.splitlines()) if ln.strip()), "")
    return f"`{run.command}` failed: {prose(_clip(last))}" if last else None


def hover_markdown(
    advice: Advice,
    where: str,
    line_text: str | None,
    run: str | None = None,
    repeat_message: bool = True,
    command_links: bool = True,
    tell_me_more: str | None = None,
) -> str:
    """Markdown for one hint. `repeat_message` is off where the editor's hover already shows the diagnostic;
    `tell_me_more` is how this editor asks for more (Neovim: a command), where it has no command links."""
    if not repeat_message:
        parts = ["**LivePair**"]
    elif advice.message.strip().rstrip(".") == advice.headline:
        parts = [f"**LivePair** — {prose(advice.message)}"]  # short: the headline is the whole explanation
    else:
        parts = [f"**LivePair** — {prose(advice.headline)}", f"**Why:** {prose(advice.message)}"]
    evidence = []
    if line_text and line_text.strip():
        evidence.append(f"- {where}: `{_clip(line_text.strip())}`")
    if run:
        evidence.append(f"- {run}")
    if evidence:
        parts.append("**Evidence:**\n" + "\n".join(evidence))
    if advice.fix is not None:
        shown = advice.fix.new_text.rstrip("\n").splitlines()
        more = ["…"] if len(shown) > MAX_FIX_LINES else []
        code = "\n".join(shown[:MAX_FIX_LINES] + more)
        parts.append(f"**Fix:** {advice.fix.title.removeprefix('LivePair: ')} (quick fix)\n```\n{code}\n```")
    question = tell_me_more_question(where, advice)
    if command_links:
        args = quote(json.dumps([question], ensure_ascii=False))
        parts.append(f'[Tell me more](command:{ASK_COMMAND}?{args} "Ask the senior dev about this hint")')
    elif tell_me_more:
        parts.append(f"Tell me more: {tell_me_more}")
    else:
        parts.append(f'Tell me more: run `{ASK_COMMAND}` with "{question}"')
    return "\n\n".join(parts)


# A run of words that Markdown would not show as written: a [bracketed group] (a link to Neovim's renderer), or a
# word with *, <, >, brackets, or an underscore at a word's edge (Path(__file__) would turn bold).
_TOKEN = re.compile(r"[^\s`]*\[[^\[\]`\n]*\][^\s`]*|[^\s`]+")
_MARKUP = re.compile(r"[*<>\[\]]|__|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def prose(text: str) -> str:
    """Plain words as Markdown that every renderer shows as written (VS Code and Neovim alike): a word Markdown
    would read as markup goes in a code span, without the punctuation after it. Code spans (`x`) stay as they are.
    (Backslash escapes would do for VS Code, but Neovim shows the backslashes.)"""

    def word(m: re.Match[str]) -> str:
        token = m.group(0)
        if not _MARKUP.search(token):
            return token
        core = token.rstrip(".,;:!?")
        return f"`{core}`{token[len(core) :]}"

    pieces = re.split(r"(`[^`\n]+`)", text)
    return "".join(p if i % 2 else _TOKEN.sub(word, p) for i, p in enumerate(pieces))


def _clip(text: str) -> str:
    text = text.replace("`", "'")
    return text if len(text) <= MAX_EVIDENCE_CHARS else text[: MAX_EVIDENCE_CHARS - 1] + "…"
