import { describe, expect, it } from "vitest";
import { ConversationModel, MAX_ADVICE, MAX_EARLIER, MAX_TURNS } from "../../src/common/conversationModel";
import type { AdviceParams } from "../../src/common/protocol";

const advice = (id: string, message = `m${id}`, uri = "file:///f.py", line = 7): AdviceParams => ({
  id,
  uri,
  range: { start: { line, character: 0 }, end: { line, character: 10 } },
  message,
  headline: message,
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
    m.addAdvice(advice("2", "m2", "file:///f.py", 9));
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
    expect(m.refreshStale("file:///f.py", [])).toBe(true);
    expect(m.advice.find((a) => a.id === "1")?.stale).toBe(true);
    expect(m.advice.find((a) => a.id === "2")?.stale).toBe(false);
    expect(m.refreshStale("file:///f.py", [])).toBe(false);
    expect(m.refreshStale("file:///f.py", [{ message: "relative path", line: 7 }])).toBe(true);
    expect(m.advice[1].stale).toBe(false);
  });

  it("keeps one card per finding: the same id or the same line replaces it, whatever else came between", () => {
    const m = new ConversationModel();
    m.addAdvice(advice("a1", "on open: data/config.json may not be found"));
    m.addAdvice(advice("a2", "the key is in the code", "file:///f.py", 5));
    m.addAdvice(advice("a1", "it crashed: data/config.json is not there"));
    m.addAdvice(advice("a1", "it crashed: data/config.json is not there (with its fix)"));
    m.addAdvice(advice("a9", "a newer finding on the same line", "file:///f.py", 5));
    expect(m.current.map((a) => [a.id, a.range.start.line])).toEqual([
      ["a9", 5],
      ["a1", 7],
    ]);
    expect(m.earlier).toEqual([]);
  });

  it("follows its hint to a moved line, folds into Earlier when the hint is gone, and comes back", () => {
    const m = new ConversationModel();
    const withFix = { ...advice("a1", "relative path"), fix: { title: "t", range: advice("x").range, newText: "n" } };
    m.addAdvice(withFix);
    expect(m.refreshStale("file:///f.py", [{ id: "a1", message: "relative path", line: 9 }])).toBe(true);
    expect(m.current[0].range.start.line).toBe(9);
    expect(m.current[0].fix?.range.start.line).toBe(9);
    m.refreshStale("file:///f.py", []);
    expect(m.current).toEqual([]);
    expect(m.earlier.map((a) => a.id)).toEqual(["a1"]);
    m.refreshStale("file:///f.py", [{ id: "a1", message: "relative path", line: 9 }]);
    expect(m.current.map((a) => a.id)).toEqual(["a1"]);
  });

  it("keeps at most MAX_EARLIER cards whose hint is gone", () => {
    const m = new ConversationModel();
    for (let i = 0; i < MAX_EARLIER + 5; i++) {
      m.addAdvice(advice(`a${i}`, `m${i}`, "file:///f.py", i));
    }
    m.refreshStale("file:///f.py", []);
    expect(m.earlier).toHaveLength(MAX_EARLIER);
    expect(m.earlier[0].id).toBe(`a${MAX_EARLIER + 4}`);
  });

  it("keeps a bounded list and clears", () => {
    const m = new ConversationModel();
    for (let i = 0; i < MAX_ADVICE + 10; i++) {
      m.addAdvice(advice(String(i), `m${i}`, "file:///f.py", i));
    }
    expect(m.advice).toHaveLength(MAX_ADVICE);
    m.clear();
    expect(m.advice).toHaveLength(0);
    expect(m.turns).toHaveLength(0);
  });
});
