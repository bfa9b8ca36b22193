"""Every tool the model may call, one record each, in the order the model is told of them.

The handlers live beside what they work on: `editor_tools.py` (advice and context), `workspace_tools.py` (search,
open, multi-file edits), `hands.py` with `run_command.py` and `run_python.py` (runs, after the user's yes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from livepair.context.fence import fence
from livepair.session.run_command import TIMEOUT_S
from livepair.session.sandbox import Limits
from livepair.session.tools import editor_tools, tutor_tools
from livepair.session.tools.registry import PATH, Args, Registry, Result, Tool

if TYPE_CHECKING:
    from livepair.session.tools.toolbox import Tools


def _fenced(label: str, result: Result) -> Result:
    """What a run prints is data, like any terminal output: it goes back to the model fenced."""
    if isinstance(result.get("output"), str):
        result["output"] = fence(label, result["output"])
    return result


async def _run_command(tools: Tools, args: Args) -> Result:
    return _fenced("command output", await tools.hands.run_command(args))


async def _run_python(tools: Tools, args: Args) -> Result:
    return _fenced("program output", await tools.hands.run_python(args))


async def _search_workspace(tools: Tools, args: Args) -> Result:
    return await tools.workspace.search_workspace(args)


async def _open_location(tools: Tools, args: Args) -> Result:
    return await tools.workspace.open_location(args)


async def _apply_edit(tools: Tools, args: Args) -> Result:
    return await tools.workspace.apply_edit(args)


def _object(properties: dict[str, object], required: list[str] | None = None) -> dict[str, object]:
    schema: dict[str, object] = {"type": "object", "properties": properties}
    if required is not None:
        schema["required"] = required
    return schema


_LINE = {"type": "integer", "description": "1-based line number."}
_REASON = {"type": "string", "description": "Why, in one sentence, shown to the user as yours."}

REGISTRY = Registry(
    Tool(
        "annotate",
        "Place a short hint on a line of a file in the user's editor (shown inline and on hover). "
        "Use it to point at the exact line your advice is about.",
        _object(
            {
                "path": PATH,
                "line": _LINE,
                "message": {"type": "string", "description": "The advice, one or two sentences."},
                "headline": {
                    "type": "string",
                    "description": "The cause in at most 60 characters, shown inline at the end of the line "
                    "(e.g. \"'data/config.json' is at src/data/config.json\").",
                },
                "severity": {"type": "string", "enum": list(editor_tools.SEVERITIES)},
            },
            ["path", "line", "message"],
        ),
        editor_tools.annotate,
        touches_paths=True,
        places_advice=True,
    ),
    Tool(
        "propose_fix",
        "Attach a quick fix the user can apply: replace whole lines start_line..end_line "
        "(1-based, inclusive) with new_text. The user decides whether to apply it.",
        _object(
            {
                "path": PATH,
                "range": _object(
                    {"start_line": {"type": "integer"}, "end_line": {"type": "integer"}}, ["start_line", "end_line"]
                ),
                "new_text": {"type": "string", "description": "Replacement text for those lines."},
                "explanation": {"type": "string", "description": "Why, in one sentence."},
            },
            ["path", "range", "new_text", "explanation"],
        ),
        editor_tools.propose_fix,
        touches_paths=True,
        places_advice=True,
    ),
    Tool(
        "read_file",
        f"Read lines of a workspace file (1-based, inclusive; at most {editor_tools.MAX_READ_LINES} lines).",
        _object({"path": PATH, "start": {"type": "integer"}, "end": {"type": "integer"}}, ["path"]),
        editor_tools.read_file,
        touches_paths=True,
    ),
    Tool(
        "get_diagnostics",
        "Current errors and warnings from the editor, for one file or all files.",
        _object({"path": PATH}),
        editor_tools.get_diagnostics,
        touches_paths=True,
    ),
    Tool(
        "get_terminal_output",
        "The last command the user ran in the terminal, its exit code and output.",
        _object({}),
        editor_tools.get_terminal_output,
    ),
    Tool(
        "run_command",
        "Run a shell command in the workspace to reproduce an error or run tests. The user sees the "
        "exact command and must approve it; say why in 'reason'. It runs in a terminal the user sees, without API "
        f"keys or tokens in its environment, for at most {TIMEOUT_S:.0f} s. Returns the exit code and the output's "
        "tail.",
        _object(
            {
                "command": {"type": "string", "description": "The shell command line."},
                "cwd": {"type": "string", "description": "Working directory relative to the workspace root."},
                "reason": _REASON,
            },
            ["command", "reason"],
        ),
        _run_command,
        blocking=False,  # a long run must not hold the conversation (where the model supports it)
        needs_approval=True,
        touches_paths=True,
    ),
    Tool(
        "run_python",
        "Run a short Python snippet with the project's interpreter to check a hypothesis. The user "
        "sees the code and must approve it; say why in 'reason'. It runs in a sandbox: its own empty temp dir as "
        "cwd, the workspace importable but read-only (its path is in $WORKSPACE), no network, "
        f"{Limits().timeout_s:.0f} s and {Limits().memory_bytes // 2**20} MB at most. Returns the exit code and "
        "output.",
        _object(
            {"code": {"type": "string", "description": "The Python source to run."}, "reason": _REASON},
            ["code", "reason"],
        ),
        _run_python,
        blocking=False,
        needs_approval=True,
    ),
    Tool(
        "search_workspace",
        "Search the workspace's files for a text (case-insensitive; or a regular expression). "
        "Returns at most 50 matching lines with their file and 1-based line. Private and ignored files are skipped.",
        _object(
            {
                "query": {"type": "string", "description": "The text to find (at most 200 characters)."},
                "regex": {"type": "boolean", "description": "Treat the query as a Python regular expression."},
            },
            ["query"],
        ),
        _search_workspace,
        touches_paths=True,
    ),
    Tool(
        "open_location",
        "Open a file at a line in the user's editor, to show them the place you are talking about.",
        _object({"path": PATH, "line": _LINE}, ["path", "line"]),
        _open_location,
        touches_paths=True,
    ),
    Tool(
        "apply_edit",
        "Propose a change across one or more files. The user sees it as a diff preview and decides; "
        "nothing changes without their yes. Each edit replaces whole lines start_line..end_line (1-based, "
        "inclusive) of a file with new_text; end_line = start_line - 1 inserts before start_line. Each changed "
        "file is checked first (it must parse and use no undefined name).",
        _object(
            {
                "edits": {
                    "type": "array",
                    "items": _object(
                        {
                            "path": PATH,
                            "start_line": {"type": "integer"},
                            "end_line": {"type": "integer"},
                            "new_text": {"type": "string"},
                        },
                        ["path", "start_line", "end_line", "new_text"],
                    ),
                },
                "reason": {"type": "string", "description": "What the change does, in one sentence."},
            },
            ["edits", "reason"],
        ),
        _apply_edit,
        needs_approval=True,  # the user applies or discards the preview
        touches_paths=True,
    ),
    # tutor mode only: hints before answers, the concept with its source
    Tool(
        "give_hint",
        "Tutor mode: put one rung of a hint ladder on a line instead of the answer. Level 1 names the concept and "
        "asks a guiding question; each higher level is more pointed; no level contains the code that fixes it "
        "(the fix comes only when the learner asks for it, through propose_fix).",
        _object(
            {
                "path": PATH,
                "line": _LINE,
                "level": {"type": "integer", "description": "1: the guiding question; 2 and up: ever more pointed."},
                "hint": {"type": "string", "description": "One or two sentences, no fixing code."},
            },
            ["path", "line", "level", "hint"],
        ),
        tutor_tools.give_hint,
        touches_paths=True,
        places_advice=True,
        mode="tutor",
    ),
    Tool(
        "record_concept",
        "Tutor mode: name the concept behind the problem you are teaching and the official documentation page "
        "that explains it (docs.python.org, nodejs.org, the bash manual...). It goes to the learner's private "
        "learning log; give a check question to ask once they fix it alone.",
        _object(
            {
                "name": {"type": "string", "description": "The concept, e.g. 'Relative paths'."},
                "source": {"type": "string", "description": "The https address of the documentation page."},
                "path": PATH,
                "line": _LINE,
                "check": {"type": "string", "description": "One question that checks understanding."},
            },
            ["name", "source"],
        ),
        tutor_tools.record_concept,
        touches_paths=True,
        mode="tutor",
    ),
)
