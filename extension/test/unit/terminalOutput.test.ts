import { describe, expect, it } from "vitest";
import { MAX_TERMINAL_OUTPUT } from "../../src/common/protocol";
import {
  TRUNCATION_MARK,
  TerminalOutputBuffer,
  cleanTerminalOutput,
  resolveCarriageReturns,
  stripAnsi,
  tail,
} from "../../src/common/terminalOutput";

describe("stripAnsi", () => {
  it("removes colours, cursor moves, titles, hyperlinks and shell-integration marks", () => {
    const raw =
      "\u001b]633;E;python3 f.py;nonce\u0007\u001b]633;C\u0007" +
      "\u001b[1;31merror\u001b[0m \u001b[2K\u001b[1Gdone" +
      "\u001b]0;title\u001b\\" +
      "\u001b]8;;http://x\u0007link\u001b]8;;\u0007" +
      "\u001b(B\u001b=";
    expect(stripAnsi(raw)).toBe("error donelink");
  });

  it("keeps tabs and newlines, drops other control characters", () => {
    expect(stripAnsi("a\tb\nc\u0007\u0008d")).toBe("a\tb\ncd");
  });
});

describe("carriage returns", () => {
  it("keeps what a progress bar leaves visible", () => {
    expect(resolveCarriageReturns("10%\r50%\r100%\nnext\r\n")).toBe("100%\nnext\n");
  });

  it("clean = strip + carriage returns", () => {
    expect(cleanTerminalOutput("\u001b[32m1/3\u001b[0m\r3/3\r\nok")).toBe("3/3\nok");
  });
});

describe("tail", () => {
  it("leaves short output alone", () => {
    expect(tail("short\n", 100)).toBe("short\n");
  });

  it("keeps the end, starting on a line boundary, and marks the cut", () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n");
    const out = tail(text, 200);
    expect(out.length).toBeLessThanOrEqual(200);
    expect(out.startsWith(TRUNCATION_MARK)).toBe(true);
    expect(out.endsWith("line 99")).toBe(true);
    expect(out.slice(TRUNCATION_MARK.length)).toMatch(/^line \d+\n/);
  });

  it("defaults to the daemon's 64 KB", () => {
    expect(tail("x".repeat(MAX_TERMINAL_OUTPUT * 2)).length).toBeLessThanOrEqual(MAX_TERMINAL_OUTPUT);
  });
});

describe("TerminalOutputBuffer", () => {
  it("bounds memory while a command runs and keeps the newest output", () => {
    const buf = new TerminalOutputBuffer(1024);
    const chunk = `${"y".repeat(99)}\n`;
    for (let i = 0; i < 10_000; i++) {
      buf.append(chunk);
    }
    buf.append("THE END\n");
    expect((buf as unknown as { raw: string }).raw.length).toBeLessThanOrEqual(1024 * 8);
    const text = buf.text();
    expect(text.length).toBeLessThanOrEqual(1024);
    expect(text.startsWith(TRUNCATION_MARK)).toBe(true);
    expect(text.endsWith("THE END\n")).toBe(true);
  });

  it("returns small output unchanged apart from cleaning", () => {
    const buf = new TerminalOutputBuffer();
    buf.append("\u001b[33mwarn\u001b[0m\r\n");
    expect(buf.text()).toBe("warn\n");
  });
});
