import { describe, expect, it } from "vitest";
import {
  ALLOW,
  ALLOW_CHOICE,
  ALWAYS,
  ALWAYS_CHOICE,
  approves,
  CHOICES,
  choicesFor,
  DENY,
  DENY_CHOICE,
  describeApproval,
  lineSpan,
  REASON_NOTE,
  resultFor,
} from "../../src/common/approvalText";
import type { ApprovalParams, Range } from "../../src/common/protocol";

const R = (sl: number, sc: number, el: number, ec: number): Range => ({
  start: { line: sl, character: sc },
  end: { line: el, character: ec },
});
const ctx = {
  relative: (uri: string) => uri.replace("file:///ws/", ""),
  textAt: (_uri: string, range: Range) => (range.start.line === 7 ? 'with open("data/config.json") as fh:\n' : undefined),
};

describe("describeApproval", () => {
  it("shows an edit as file, lines, and the exact text before and after", () => {
    const params: ApprovalParams = {
      kind: "edit",
      title: "Open the config next to f.py",
      edit: {
        changes: {
          "file:///ws/f.py": [{ range: R(7, 0, 8, 0), newText: 'with open(Path(__file__).parent / "config.json") as fh:\n' }],
        },
      },
    };
    const text = describeApproval(params, ctx);
    const body = [
      "f.py, line 8: replace",
      '− with open("data/config.json") as fh:',
      '+ with open(Path(__file__).parent / "config.json") as fh:',
    ].join("\n");
    expect(text).toEqual({
      message: "LivePair wants to edit f.py: Open the config next to f.py",
      detail: body,
      parts: { warnings: [], runs: body, notes: [], reason: "" },
    });
  });

  it("counts files, shows insertions and deletions, and puts the model's reason first", () => {
    const params: ApprovalParams = {
      kind: "edit",
      title: "",
      detail: "Add the import and drop the dead code.",
      edit: {
        documentChanges: [
          { textDocument: { uri: "file:///ws/a.py", version: 3 }, edits: [{ range: R(0, 0, 0, 0), newText: "import os\n" }] },
          { textDocument: { uri: "file:///ws/b.py" }, edits: [{ range: R(2, 0, 5, 0), newText: "" }] },
        ],
      },
    };
    const text = describeApproval(params, { relative: ctx.relative });
    expect("message" in text && text.message).toBe("LivePair wants to edit 2 files.");
    expect("detail" in text && text.detail).toBe(
      ["Add the import and drop the dead code.", "", "a.py, line 1: insert", "+ import os", "", "b.py, lines 3–5: delete"].join("\n"),
    );
  });

  it("shows a command exactly, with where it runs", () => {
    const text = describeApproval(
      { kind: "command", title: "Run the tests", command: "pytest -q tests/test_f.py", cwd: "/ws" },
      ctx,
    );
    expect(text).toEqual({
      message: "LivePair wants to run a command: Run the tests",
      detail: "$ pytest -q tests/test_f.py\nin /ws",
      parts: { warnings: [], runs: "$ pytest -q tests/test_f.py\nin /ws", notes: [], reason: "" },
    });
  });

  it("shows a long edit whole (the prompt scrolls), hidden characters escaped and warned", () => {
    const newText = `${Array.from({ length: 100 }, (_, i) => `x${i}`).join("\n")}\ny = 1 \u202e`;
    const text = describeApproval(
      { kind: "edit", title: "t", edit: { changes: { "file:///ws/f.py": [{ range: R(0, 0, 0, 0), newText }] } } },
      ctx,
    );
    if ("error" in text) {
      throw new Error(text.error);
    }
    expect(text.detail).not.toContain("more lines");
    expect(text.parts.runs).toContain("+ x40\n+ x41");
    expect(text.parts.runs).toContain("+ x99\n+ y = 1 \\u202e");
    expect(text.detail).not.toContain("\u202e");
    expect(text.parts.warnings).toEqual(["Hidden characters, shown escaped (\\u…, \\x…): 1 bidi."]);
  });

  it("refuses malformed requests instead of asking", () => {
    expect(describeApproval({ kind: "edit", title: "t" }, ctx)).toEqual({ error: "an edit request without any edit" });
    expect(describeApproval({ kind: "command", title: "t", command: "  " }, ctx)).toEqual({
      error: "a command request without a command",
    });
    expect("error" in describeApproval({ kind: "delete" } as unknown as ApprovalParams, ctx)).toBe(true);
  });
});

describe("lineSpan", () => {
  it("counts whole lines in human numbering", () => {
    expect(lineSpan(R(7, 0, 7, 10))).toBe("line 8");
    expect(lineSpan(R(7, 0, 8, 0))).toBe("line 8");
    expect(lineSpan(R(7, 4, 9, 2))).toBe("lines 8–10");
  });
});

describe("the prompt's buttons", () => {
  it("puts Deny first, where the focus and Enter land", () => {
    expect(CHOICES.map((c) => c.title)).toEqual([DENY, ALLOW]);
    expect(CHOICES[0]).toBe(DENY_CHOICE);
    expect(CHOICES.map((c) => c.key)).toEqual(["deny", "allow"]);
  });

  it("approves only on the Allow button itself", () => {
    expect(approves(ALLOW_CHOICE)).toBe(true);
    expect(approves(DENY_CHOICE)).toBe(false);
    expect(approves(undefined)).toBe(false); // Escape, Cancel, or the window closed
    expect(approves({ title: ALLOW, key: "allow" })).toBe(false); // not a button this prompt offered
  });
});

describe("approvals in the daemon's words", () => {
  const ctx = { relative: (uri: string) => uri };
  const heading = "LivePair wants to run this command in a terminal (no API keys or tokens in its environment)";

  it("heads a command with the daemon's title and labels the model's reason as the model's", () => {
    const text = describeApproval(
      { kind: "command", title: heading, reason: "Just clearing a stale cache.", command: "rm -rf ~", cwd: "/w" },
      ctx,
    );
    expect("message" in text && text.message).toBe(heading);
    expect("detail" in text && text.detail).toBe(
      `$ rm -rf ~\nin /w\n\nThe senior dev says: \u201cJust clearing a stale cache.\u201d ${REASON_NOTE}`,
    );
  });

  it("shows the whole snippet of a Python run", () => {
    const text = describeApproval(
      { kind: "python", title: "Run in the sandbox", reason: "Check.", code: "print(1)\nprint(2)\n", command: "py" },
      ctx,
    );
    expect("detail" in text && text.detail).toBe(`print(1)\nprint(2)\n\n(py)\n\nThe senior dev says: \u201cCheck.\u201d ${REASON_NOTE}`);
    expect(describeApproval({ kind: "python", title: "x", code: "  " }, ctx)).toEqual({
      error: "a Python request without code",
    });
  });

  it("offers Always only where the daemon allows it, and answers it explicitly", () => {
    expect(choicesFor({}).map((c) => c.title)).toEqual([DENY, ALLOW]);
    expect(choicesFor({ allowAlways: true }).map((c) => c.title)).toEqual([DENY, ALLOW, ALWAYS]);
    expect(resultFor(ALWAYS_CHOICE)).toEqual({ approved: true, always: true });
    expect(resultFor(ALLOW_CHOICE)).toEqual({ approved: true });
    expect(resultFor(DENY_CHOICE)).toEqual({ approved: false });
    expect(resultFor(undefined)).toEqual({ approved: false });
    expect(resultFor({ title: ALWAYS, key: "always" })).toEqual({ approved: false }); // not a button this prompt offered
  });
});
