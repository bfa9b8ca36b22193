import { describe, expect, it } from "vitest";
import { ConversationModel, MAX_ADVICE, MAX_TURNS } from "../../src/common/conversationModel";
import type { AdviceParams } from "../../src/common/protocol";

const advice = (id: string, message = `m${id}`, uri = "file:///f.py"): AdviceParams => ({
  id,
  uri,
  range: { start: { line: 7, character: 0 }, end: { line: 7, character: 10 } },
  message,
  severity: "warning",
  fix: null,
  spoken: false,
});

describe("ConversationModel transcript", () => {
  it("merges streamed chunks into one turn and closes it with the full final text", () => {
    const m = new ConversationModel(() => 1);
    m.addTranscript({ role: "model", text: "It looks ", final: false });
    m.addTranscript({ role: "model", text: "for data/config.json", final: false });
    expect(m.turns).toEqual([{ role: "model", text: "It looks for data/config.json", final: false, at: 1 }]);
    m.addTranscript({ role: "model", text: "It looks for data/config.json in the folder you ran it from.", final: true });
    expect(m.turns).toHaveLength(1);
    expect(m.turns[0]).toMatchObject({ text: "It looks for data/config.json in the folder you ran it from.", final: true });
  });

  it("appends a final chunk that is not the whole turn", () => {
    const m = new ConversationModel();
    m.addTranscript({ role: "user", text: "why does ", final: false });
    m.addTranscript({ role: "user", text: "it fail", final: true });
    expect(m.turns[0]).toMatchObject({ role: "user", text: "why does it fail", final: true });
  });

  it("drops a full-text final that repeats a turn already closed", () => {
    const m = new ConversationModel();
    m.addTranscript({ role: "model", text: "Hello.", final: false });
    m.addTranscript({ role: "model", text: "", final: true });
    m.addTranscript({ role: "model", text: "Hello.", final: true });
    expect(m.turns).toHaveLength(1);
  });

  it("starts a new turn when the speaker changes, and ignores empty chunks", () => {
    const m = new ConversationModel();
    m.addTranscript({ role: "user", text: "Why?", final: true });
    m.addTranscript({ role: "model", text: "  ", final: false });
    m.addTranscript({ role: "model", text: "Because.", final: true });
    m.addTranscript({ role: "model", text: "Anything else?", final: true });
    expect(m.turns.map((t) => [t.role, t.text])).toEqual([
      ["user", "Why?"],
      ["model", "Because."],
      ["model", "Anything else?"],
    ]);
  });

  it("keeps a bounded history", () => {
    const m = new ConversationModel();
    for (let i = 0; i < MAX_TURNS + 50; i++) {
      m.addTranscript({ role: i % 2 ? "user" : "model", text: `t${i}`, final: true });
    }
    expect(m.turns).toHaveLength(MAX_TURNS);
    expect(m.turns[m.turns.length - 1].text).toBe(`t${MAX_TURNS + 49}`);
  });
});

describe("ConversationModel advice", () => {
  it("lists the newest first, replacing an item with the same id", () => {
    const m = new ConversationModel();
    m.addAdvice(advice("1"));
    m.addAdvice(advice("2"));
    m.addAdvice(advice("1", "updated"));
    expect(m.advice.map((a) => [a.id, a.message])).toEqual([
      ["1", "updated"],
      ["2", "m2"],
    ]);
  });

  it("marks advice stale when its diagnostic is gone, and live again when it is back", () => {
    const m = new ConversationModel();
    m.addAdvice(advice("1", "relative path"));
    m.addAdvice(advice("2", "other file", "file:///g.py"));
    expect(m.refreshStale("file:///f.py", new Set())).toBe(true);
    expect(m.advice.find((a) => a.id === "1")?.stale).toBe(true);
    expect(m.advice.find((a) => a.id === "2")?.stale).toBe(false);
    expect(m.refreshStale("file:///f.py", new Set())).toBe(false);
    expect(m.refreshStale("file:///f.py", new Set(["relative path"]))).toBe(true);
    expect(m.advice[1].stale).toBe(false);
  });

  it("keeps a bounded list and clears", () => {
    const m = new ConversationModel();
    for (let i = 0; i < MAX_ADVICE + 10; i++) {
      m.addAdvice(advice(String(i)));
    }
    expect(m.advice).toHaveLength(MAX_ADVICE);
    m.clear();
    expect(m.advice).toHaveLength(0);
    expect(m.turns).toHaveLength(0);
  });
});
