import { describe, expect, it } from "vitest";
import { NOTICE_CHARS, PLACED_GRACE_MS, UnplacedAdvice } from "../../src/common/adviceNotice";

function harness() {
  let now = 0;
  const timers: { at: number; run: () => void }[] = [];
  const shown: string[] = [];
  const notice = new UnplacedAdvice(
    (t) => shown.push(t),
    () => now,
    (run, ms) => void timers.push({ at: now + ms, run }),
  );
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers.filter((x) => x.at <= now)) {
      timers.splice(timers.indexOf(t), 1);
      t.run();
    }
  };
  return { notice, shown, advance };
}

describe("advice with no line reaches the user", () => {
  it("notifies a reply that put nothing on a line", () => {
    const { notice, shown, advance } = harness();
    notice.transcript({ role: "model", text: "The shell cannot find 'pyhton'. Did you mean python?", final: true });
    advance(PLACED_GRACE_MS);
    expect(shown).toEqual(["The shell cannot find 'pyhton'. Did you mean python?"]);
  });

  it("does not notify a reply whose hint went on a line, before or just after its last words", () => {
    const { notice, shown, advance } = harness();
    advance(100);
    notice.advice();
    notice.transcript({ role: "model", text: "data/config.json is not there", final: true });
    advance(PLACED_GRACE_MS);
    advance(100);
    notice.transcript({ role: "model", text: "the key is in the code", final: true });
    advance(200);
    notice.advice(); // its tool call finished after the turn's words
    advance(PLACED_GRACE_MS);
    expect(shown).toEqual([]);
  });

  it("does not notify the answer to the user's own question (the panel or the voice has it)", () => {
    const { notice, shown, advance } = harness();
    notice.transcript({ role: "user", text: "why does it fail?", final: true });
    notice.transcript({ role: "model", text: "Because the file is elsewhere.", final: true });
    advance(PLACED_GRACE_MS);
    notice.transcript({ role: "model", text: "The shell cannot find 'pyhton'.", final: true });
    advance(PLACED_GRACE_MS);
    expect(shown).toEqual(["The shell cannot find 'pyhton'."]);
  });

  it("ignores partial words, and keeps a notification short", () => {
    const { notice, shown, advance } = harness();
    notice.transcript({ role: "model", text: "partial", final: false });
    notice.transcript({ role: "model", text: "x".repeat(1000), final: true });
    advance(PLACED_GRACE_MS);
    expect(shown).toHaveLength(1);
    expect(shown[0].length).toBe(NOTICE_CHARS);
  });
});
