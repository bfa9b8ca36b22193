"""The scripted 5-minute screen session that bench_screen.py replays on Xvfb.

An editor-like layout (activity bar, file list, code, a terminal, a status bar with a clock and "Ln, Col"), then:
five typing bursts in the editor (each keystroke also reported as an edit of f.py, as VS Code does over LSP), a
command typed in the terminal (no edit: the terminal is not a document) and its traceback, a scroll, the clock
ticking every minute, a blinking cursor whenever the user is not typing, and two changes elsewhere *while* the
user types — a short "ok" and a log line in the terminal — which must not be mistaken for typing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SCRIPT_S = 300
CHAR_W, LINE_H, FONT = 8.43, 19, 14  # DejaVu Sans Mono at 14 px
EDITOR_X, TERM_Y = 310, 530
CODE = [
    "import json",
    "import os",
    "",
    "",
    'API_KEY = os.environ.get("API_KEY", "YOUR_API_KEY")',
    "",
    "def load_config():",
    '    with open("data/config.json") as fh:',
    "        return json.load(fh)",
    "",
    "",
    "def main():",
    "    config = load_config()",
    '    print("Weather in", config["city"])',
    "",
    "",
    'if __name__ == "__main__":',
    "    main()",
] * 2
# (start, line, text): what the user types in the editor, over a line of CODE
BURSTS = [
    (20.0, 13, "    data = load_config(path)  # the new path"),
    (75.0, 14, "    print(data['city'])"),
    (150.0, 2, "import pathlib"),
    (200.0, 15, "    # TODO: handle a missing file"),
    (245.0, 16, "    return data"),
]
CHAR_S = 0.2  # 5 characters a second
Cmd = list[Any]


@dataclass(frozen=True)
class Event:
    t: float
    commands: list[Cmd]
    change: bool = True  # False: the cursor blink, noise nobody needs to see
    edit: tuple[int, str] | None = None  # an editor keystroke: (0-based line of CODE, the line's text now)
    while_typing: bool = False  # a change elsewhere on the screen while the user types in the editor


def text(tag: str, x: float, y: float, s: str, fill: str = "#d4d4d4") -> Cmd:
    return ["text", tag, round(x), y, s, fill, FONT]


def code_lines(first: int) -> list[Cmd]:
    return [text("code", EDITOR_X, 8 + i * LINE_H, line) for i, line in enumerate(CODE[first : first + 26])]


def cursor(x: float, y: float) -> list[Cmd]:
    return [["delete", "cursor"], ["rect", "cursor", round(x), y, 2, 17, "#aeafad"]]


def script() -> list[Event]:
    clock = ["text", "clock", 1200, 781, "10:00", "#ffffff", 13]
    layout = [
        ["rect", "activity", 0, 0, 48, 778, "#333333"],
        ["rect", "sidebar", 48, 0, 252, 778, "#252526"],
        *[text("files", 60, 10 + 20 * i, name, "#cccccc") for i, name in enumerate(["f.py", "data/", "README.md"])],
        ["rect", "border", 300, TERM_Y - 6, 980, 1, "#444444"],
        ["rect", "status", 0, 778, 1280, 22, "#007acc"],
        clock,
        *code_lines(0),
    ]
    events = [Event(0.0, layout)]
    busy: list[tuple[float, float]] = []  # while typing the cursor does not blink
    cursor_at = (EDITOR_X, 8.0)

    def typing(start: float, x0: float, y: float, line: str, tag: str, edit_line: int | None) -> float:
        nonlocal cursor_at
        for i in range(1, len(line) + 1):
            x = x0 + i * CHAR_W
            draw = [["delete", tag], text(tag, x0, y, line[:i]), *cursor(x, y)]
            if edit_line is not None:  # the status bar follows the editor's cursor
                lncol = f"Ln {edit_line + 1}, Col {i + 1}"
                draw += [["delete", "lncol"], ["text", "lncol", 1040, 781, lncol, "#ffffff", 13]]
            edit = (edit_line, line[:i]) if edit_line is not None else None
            events.append(Event(start + i * CHAR_S, draw, edit=edit))
            cursor_at = (x, y)
        end = start + len(line) * CHAR_S
        busy.append((start, end + 0.5))
        return end

    for start, line, s in BURSTS:
        typing(start, EDITOR_X, 8 + line * LINE_H, s, f"typed{start}", line)
    end = typing(100.0, EDITOR_X, TERM_Y, "$ python f.py", "cmd", None)
    trace = [
        "Traceback (most recent call last):",
        '  File "f.py", line 18, in <module>',
        "    main()",
        '  File "f.py", line 8, in load_config',
        '    with open("data/config.json") as fh:',
        "FileNotFoundError: [Errno 2] No such file or directory: 'data/config.json'",
    ]
    colour = ["#cccccc"] * 5 + ["#f14c4c"]
    tb = [
        text("trace", EDITOR_X, TERM_Y + LINE_H * (i + 1), s, c)
        for i, (s, c) in enumerate(zip(trace, colour, strict=True))
    ]
    events.append(Event(end + 0.6, tb))
    # Elsewhere on the screen while the user types: small, and far from the keystrokes.
    events.append(Event(23.1, [text("note", 1180, TERM_Y + LINE_H * 8, "ok", "#89d185")], while_typing=True))
    log = text("log", EDITOR_X, TERM_Y + LINE_H * 8, "INFO reloaded f.py", "#cccccc")
    events.append(Event(203.1, [log], while_typing=True))
    events.append(Event(180.0, [["delete", "code"], *code_lines(5)]))  # scroll
    for minute in range(1, 5):
        events.append(Event(60.0 * minute, [["delete", "clock"], [*clock[:4], f"10:0{minute}", *clock[5:]]]))
    t, on = 0.53, True
    while t < SCRIPT_S:  # VS Code's cursor blink, except while typing
        if not any(a <= t <= b for a, b in busy):
            events.append(Event(t, cursor(*cursor_at) if on else [["delete", "cursor"]], change=False))
            on = not on
        t += 0.53
    return sorted(events, key=lambda e: e.t)
