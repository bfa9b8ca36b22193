"""A scriptable screen for tests and benchmarks: a full-screen Tk canvas driven by JSON lines on stdin.

Run as a subprocess on an Xvfb display. Each input line is a list of drawing commands; after drawing them the
painter calls Tk's `update` (which XSyncs, so the X server has rendered them) and answers `ok <n>` on stdout.
A caller that waits for that answer knows the next screen grab shows the new content.

Arguments: the window title, and optionally its geometry "WxH+X+Y" (default: the whole screen).
Commands: ["rect", tag, x, y, w, h, fill], ["text", tag, x, y, text, fill, size], ["delete", tag], ["bg", fill].
"""

from __future__ import annotations

import json
import sys
import tkinter as tk


def main() -> None:
    root = tk.Tk()
    root.overrideredirect(True)  # no window manager here, and no decorations to move things around
    width, height = root.winfo_screenwidth(), root.winfo_screenheight()
    x = y = 0
    if len(sys.argv) > 2:  # "WxH+X+Y": a window of that size and place instead of the whole screen
        size, x, y = sys.argv[2].split("+")
        width, height = (int(v) for v in size.split("x"))
        x, y = int(x), int(y)
    root.geometry(f"{width}x{height}+{x}+{y}")
    root.title(sys.argv[1] if len(sys.argv) > 1 else "LivePair painter")
    canvas = tk.Canvas(root, width=width, height=height, bg="#1e1e1e", highlightthickness=0, borderwidth=0)
    canvas.place(x=0, y=0)
    root.update()
    print(f"ready {width} {height}", flush=True)
    for n, line in enumerate(sys.stdin, 1):
        for cmd in json.loads(line):
            op, args = cmd[0], cmd[1:]
            if op == "rect":
                tag, x, y, w, h, fill = args
                canvas.create_rectangle(x, y, x + w - 1, y + h - 1, fill=fill, outline=fill, tags=(tag,))
            elif op == "text":
                tag, x, y, text, fill, size = args
                font = ("DejaVu Sans Mono", -int(size))  # negative: pixels, not points
                canvas.create_text(x, y, text=text, fill=fill, font=font, anchor="nw", tags=(tag,))
            elif op == "delete":
                canvas.delete(args[0])
            elif op == "bg":
                canvas.configure(bg=args[0])
        root.update()
        print(f"ok {n}", flush=True)


if __name__ == "__main__":
    main()
