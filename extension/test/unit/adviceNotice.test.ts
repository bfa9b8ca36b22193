import { describe, expect, it } from "vitest";
import { type Notice, NOTICE_CHARS, PLACED_GRACE_MS, REPLY_WINDOW_MS, UnplacedAdvice } from "../../src/common/adviceNotice";
import { FIX_GONE, pickCheckedFix, type Offered } from "../../src/common/checkedFix";
import type { AdviceParams } from "../../src/common/protocol";

function harness(inView: (a: AdviceParams) => boolean = () => false) {
  let now = 0;
  const timers: { at: number; run: () => void }[] = [];
  const notices: Notice[] = [];
  const notice = new UnplacedAdvice(
    (n) => notices.push(n),
    () => now,
    (run, ms) => void timers.push({ at: now + ms, run }),
    inView,
  );
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers.filter((x) => x.at <= now)) {
      timers.splice(timers.indexOf(t), 1);
      t.run();
    }
  };
  const shown = () => notices.map((n) => n.text);
  return { notice, notices, shown, advance };
}

const URI = "file:///ws/g.py";
const line = (n: number) => ({ start: { line: n, character: 0 }, end: { line: n, character: 30 } });
const FIX = { title: "LivePair: Use 'total'.", range: line(2), newText: 'print("average:", total / len(scores))\n' };

function advice(over: Partial<AdviceParams> = {}): AdviceParams {
  return {
    id: "a1",
    uri: URI,
    range: line(2),
    message: "'totl' is used before anything defines it. Did you mean 'total'?",
    headline: "'totl' is not defined: did you mean 'total'?",
    severity: "info",
    fix: null,
    spoken: false,
    ...over,
  };
}

describe("advice with no line reaches the user", () => {
  it("notifies a reply that put nothing on a line", () => {
    const { notice, notices, shown, advance } = harness();
    notice.transcript({ role: "model", text: "The shell cannot find 'pyhton'. Did you mean python?", final: true });
    advance(PLACED_GRACE_MS);
    expect(shown()).toEqual(["The shell cannot find 'pyhton'. Did you mean python?"]);
    expect(notices[0].advice).toBeUndefined(); // "Show" opens the panel; nothing to apply
  });

  it("does not notify a reply whose hint went on a line in view, before or just after its last words", () => {
    const { notice, shown, advance } = harness(() => true);
    advance(100);
    notice.advice(advice());
    notice.transcript({ role: "model", text: "data/config.json is not there", final: true });
    advance(PLACED_GRACE_MS);
    advance(100);
    notice.transcript({ role: "model", text: "the key is in the code", final: true });
    advance(200);
    notice.advice(advice({ id: "a2", range: line(5) })); // its tool call finished after the turn's words
    advance(PLACED_GRACE_MS);
    expect(shown()).toEqual([]);
  });

  it("notifies a tutor's praise after a hint: the hint that trailed the turn before is not the praise's", () => {
    const { notice, notices, shown, advance } = harness(() => true);
    notice.transcript({ role: "model", text: "Hint 2 of 3: where is the terminal's folder?", final: true });
    advance(50);
    notice.advice(advice({ message: "Hint 2 of 3: where is the terminal's folder?" })); // the hint, just after
    advance(PLACED_GRACE_MS);
    expect(shown()).toEqual([]); // the hint is on its line, in view
    advance(4_000); // the learner edits, saves and runs again: the praise has no line
    notice.transcript({ role: "model", text: "You fixed it yourself: it runs now.", final: true });
    advance(PLACED_GRACE_MS);
    expect(shown()).toEqual(["You fixed it yourself: it runs now."]);
    expect(notices[0].advice).toBeUndefined();
  });

  it("still counts a hint as the reply's own when a new turn had begun before it arrived", () => {
    const { notice, shown, advance } = harness(() => true);
    notice.transcript({ role: "model", text: "First.", final: true });
    advance(PLACED_GRACE_MS);
    notice.transcript({ role: "model", text: "Second, streaming", final: false });
    notice.advice(advice()); // the streaming turn's own hint, soon after the first turn ended
    notice.transcript({ role: "model", text: "Second, streaming.", final: true });
    advance(PLACED_GRACE_MS);
    expect(shown()).toEqual(["First."]);
  });

  it("does not notify the answer to the user's own question (the panel or the voice has it)", () => {
    const { notice, shown, advance } = harness();
    notice.transcript({ role: "user", text: "why does it fail?", final: true });
    notice.transcript({ role: "model", text: "Because the file is elsewhere.", final: true });
    advance(PLACED_GRACE_MS);
    notice.transcript({ role: "model", text: "The shell cannot find 'pyhton'.", final: true });
    advance(PLACED_GRACE_MS);
    expect(shown()).toEqual(["The shell cannot find 'pyhton'."]);
  });

  it("ignores partial words, and keeps a notification short", () => {
    const { notice, shown, advance } = harness();
    notice.transcript({ role: "model", text: "partial", final: false });
    notice.transcript({ role: "model", text: "x".repeat(1000), final: true });
    advance(PLACED_GRACE_MS);
    expect(shown()).toHaveLength(1);
    expect(shown()[0].length).toBe(NOTICE_CHARS);
  });
});

describe("a finding out of view is notified with its fix", () => {
  it("notifies a crash on a line no editor shows, once, carrying the fix that joined it just after", () => {
    const { notice, notices, advance } = harness(() => false);
    notice.advice(advice({ severity: "error" }));
    advance(100);
    notice.advice(advice({ severity: "error", fix: FIX })); // the checked fix joins the same finding
    notice.transcript({ role: "model", text: "'totl' is used before anything defines it.", final: true });
    advance(PLACED_GRACE_MS);
    advance(PLACED_GRACE_MS);
    expect(notices).toHaveLength(1); // not again for its reply, nor for the re-annotation
    expect(notices[0].advice?.fix).toEqual(FIX);
    expect(notices[0].advice?.range.start.line).toBe(2);
    notice.advice(advice({ severity: "error", fix: FIX })); // the same finding again
    advance(PLACED_GRACE_MS);
    expect(notices).toHaveLength(1);
  });

  it("does not notify a crash whose line is on screen, nor a quiet check on open", () => {
    const seen = harness((a) => a.uri === URI);
    seen.notice.advice(advice({ severity: "error", fix: FIX }));
    seen.advance(PLACED_GRACE_MS);
    const quiet = harness(() => false);
    quiet.notice.advice(advice({ severity: "info", fix: FIX }));
    quiet.advance(PLACED_GRACE_MS * 3);
    expect([...seen.notices, ...quiet.notices]).toEqual([]);
  });

  it("notifies a reply whose hints all landed out of view, pointing at the one with a fix", () => {
    const { notice, notices, advance } = harness(() => false);
    notice.advice(advice({ id: "a7", range: line(9), message: "config is read too late" }));
    notice.advice(advice({ fix: FIX }));
    notice.transcript({ role: "model", text: "Two things: the name and the order.", final: true });
    advance(PLACED_GRACE_MS);
    expect(notices).toEqual([{ text: "Two things: the name and the order.", advice: advice({ fix: FIX }) }]);
  });

  it("tells a crash once, never pointing its reply at a quiet check made on open long before", () => {
    const { notice, notices, advance } = harness(() => false);
    const key = advice({ id: "a3", range: line(5), message: "The API key is in the code.", fix: { ...FIX, title: "LivePair: Read the key from $KEY" } });
    notice.advice(key); // a check on open, with a fix: quiet
    advance(REPLY_WINDOW_MS * 2);
    const crash = advice({ id: "a4", severity: "error", range: line(7), message: "data/config.json is not there." });
    notice.transcript({ role: "model", text: crash.message, final: true }); // its words first, then its hint
    notice.advice(crash);
    advance(PLACED_GRACE_MS);
    advance(PLACED_GRACE_MS);
    expect(notices).toEqual([{ text: crash.message, advice: crash }]);
  });
});

describe("Apply fix applies only the daemon's checked quick fix for that finding", () => {
  const exact: Offered = {
    title: FIX.title,
    kind: "quickfix",
    changes: [{ uri: URI, startLine: 2, endLine: 2, newText: FIX.newText }],
  };

  it("picks the daemon's own quick fix, following its line when the finding moved", () => {
    const moved: Offered = { ...exact, changes: [{ uri: URI, startLine: 5, endLine: 5, newText: FIX.newText }] };
    const explain: Offered = { title: "LivePair: explain “x”", kind: "quickfix", changes: undefined };
    expect(pickCheckedFix([explain, exact], URI, FIX)).toBe(exact);
    expect(pickCheckedFix([moved], URI, FIX)).toBe(moved);
  });

  it("refuses anything else: another text, another file, a command, another kind, or nothing offered", () => {
    const other = [
      { ...exact, changes: [{ uri: URI, startLine: 2, endLine: 2, newText: "import os\n" }] },
      { ...exact, changes: [{ uri: "file:///ws/other.py", startLine: 2, endLine: 2, newText: FIX.newText }] },
      { ...exact, changes: [...exact.changes!, { uri: URI, startLine: 9, endLine: 9, newText: "" }] },
      { ...exact, changes: [{ uri: URI, startLine: 2, endLine: 4, newText: FIX.newText }] },
      { ...exact, changes: undefined },
      { ...exact, kind: "refactor" },
      { ...exact, title: "Another extension's fix" },
    ];
    for (const o of other) {
      expect(pickCheckedFix([o], URI, FIX), JSON.stringify(o)).toBeUndefined();
    }
    expect(pickCheckedFix([], URI, FIX)).toBeUndefined();
    expect(FIX_GONE).toMatch(/no longer applies/);
  });
});
