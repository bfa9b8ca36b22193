import { describe, expect, it } from "vitest";
import { CrashPolicy } from "../../src/common/crashPolicy";
import { deviceState, errorText, isUnknownCommandError } from "../../src/common/daemonReplies";
import { HEADLINE_CHARS, headline, hintSeverity, hintText, INLINE_CHARS, inlineHints, shorten } from "../../src/common/inlineHints";
import { diagnosticsToForward, toDiagnostic, toLspSeverity } from "../../src/common/lspConvert";
import { SecretRedactor } from "../../src/common/redact";

const at = (line: number) => ({ start: { line, character: 2 }, end: { line, character: 9 } });

describe("CrashPolicy", () => {
  it("restarts a few times within the window, then gives up", () => {
    let now = 0;
    const policy = new CrashPolicy(3, 60_000, () => now);
    expect([policy.recordCrash(), policy.recordCrash(), policy.recordCrash()]).toEqual(["restart", "restart", "restart"]);
    expect(policy.recordCrash()).toBe("giveUp");
    now += 61_000;
    expect(policy.recordCrash()).toBe("restart");
    policy.reset();
    expect(policy.recentCrashes).toBe(0);
  });
});

describe("daemon replies", () => {
  it("recognises pygls' unknown-command error", () => {
    const err = new Error("Request workspace/executeCommand failed with message: Command name 'livepair.toggleScreen' is not defined");
    expect(isUnknownCommandError(err)).toBe(true);
    expect(errorText(err)).toBe("Command name 'livepair.toggleScreen' is not defined");
    expect(isUnknownCommandError(new Error("No LivePair session is running"))).toBe(false);
  });

  it("reads a toggle's new state", () => {
    expect(deviceState({ ok: true, micOn: false }, "mic")).toBe(" off");
    expect(deviceState({ screenOn: true }, "screen")).toBe(" on");
    expect(deviceState({ ok: true, screen: "paused" }, "screen")).toBe(": paused");
    expect(deviceState({ screen: false }, "screen")).toBe(" off");
    expect(deviceState({ enabled: true }, "mic")).toBe(" on");
    expect(deviceState(null, "mic")).toBe(" toggled");
  });
});

describe("lspConvert", () => {
  it("maps VS Code's 0-based severities to LSP's 1-based ones", () => {
    expect([0, 1, 2, 3].map(toLspSeverity)).toEqual([1, 2, 3, 4]);
    expect(toLspSeverity(9)).toBe(1);
  });

  it("keeps source, code (also the {value, target} form) and tags", () => {
    expect(
      toDiagnostic({ range: at(4), message: "unused", severity: 3, source: "pyright", code: { value: "reportUnused" }, tags: [1] }),
    ).toEqual({ range: at(4), message: "unused", severity: 4, source: "pyright", code: "reportUnused", tags: [1] });
    expect(toDiagnostic({ range: at(0), message: "x", severity: 0, code: 42 })).toEqual({
      range: at(0),
      message: "x",
      severity: 1,
      code: 42,
    });
  });

  it("forwards the most severe first, without our own, capped", () => {
    const all = [
      { range: at(9), message: "hint", severity: 3, source: "a" },
      { range: at(5), message: "error", severity: 0, source: "b" },
      { range: at(1), message: "ours", severity: 0, source: "LivePair" },
    ];
    expect(diagnosticsToForward(all, "LivePair").map((d) => d.message)).toEqual(["error", "hint"]);
    expect(diagnosticsToForward(all, "LivePair", 1)).toHaveLength(1);
  });
});

describe("inlineHints", () => {
  it("puts one hint on each line, the most severe first, with a count", () => {
    const hints = inlineHints(
      [
        { range: at(7), message: "Open the config next to f.py.", severity: 2, source: "LivePair" },
        { range: at(7), message: "data/config.json is relative to the cwd.", severity: 0, source: "LivePair" },
        { range: at(2), message: "placeholder key", severity: 3, source: "LivePair" },
      ],
      120,
    );
    expect(hints).toEqual([
      { line: 2, text: "placeholder key", severity: "hint", messages: ["placeholder key"] },
      {
        line: 7,
        text: "data/config.json is relative to the cwd  (+1 more)",
        severity: "error",
        messages: ["data/config.json is relative to the cwd.", "Open the config next to f.py."],
      },
    ]);
  });

  it("shortens on a word boundary and flattens whitespace", () => {
    expect(shorten("one two\nthree   four five six", 16)).toBe("one two three…");
    expect(shorten("short", 16)).toBe("short");
    expect([0, 1, 2, 3].map(hintSeverity)).toEqual(["error", "warning", "info", "hint"]);
  });

  it("shows the cause as a headline of at most 60 characters, without the long paths", () => {
    const message =
      "The file 'data/config.json' does not exist relative to the working directory /tmp/ws/fpy. " +
      "It exists at 'src/data/config.json'. Open it relative to the script, so it works from any folder.";
    const [hint] = inlineHints([{ range: at(7), message, severity: 0, source: "LivePair" }], 200);
    expect(hint.text.length).toBeLessThanOrEqual(INLINE_CHARS);
    expect(INLINE_CHARS).toBeLessThanOrEqual(HEADLINE_CHARS);
    expect(hint.text).toMatch(/^The file 'data\/config.json' does not exist/);
    expect(hint.text).not.toContain("/tmp/ws");
    expect(hint.messages).toEqual([message]);
    expect(headline("NameError: name 'x' is not defined. Define it first.")).toBe("NameError: name 'x' is not defined");
  });

  it("shows the daemon's headline (data.headline) whole: the cause, not the error restated", () => {
    const message =
      "The file 'data/config.json' does not exist relative to the working directory. It exists at " +
      "'src/data/config.json'. Open it relative to the script's own folder, Path(__file__).parent.";
    const cause = "'data/config.json' is at src/data/config.json";
    const [hint] = inlineHints([{ range: at(7), message, severity: 0, source: "LivePair", data: { adviceId: "a1", headline: cause } }], 120);
    expect(hint.text).toBe(cause);
    expect(hint.messages).toEqual([message]); // the hover keeps the whole explanation
    // Up to the daemon's 60 characters it stays whole (the fallback cut stops at INLINE_CHARS).
    const sixty = "x".repeat(HEADLINE_CHARS);
    expect(hintText({ range: at(1), message, severity: 0, data: { headline: sixty } }, INLINE_CHARS, HEADLINE_CHARS)).toBe(sixty);
    // Longer than the user's own bound, blank, or another source's diagnostic: the message's cut.
    expect(hintText({ range: at(1), message, severity: 0, data: { headline: sixty } }, 40)).toMatch(/^The file 'data\/config.json'.*…$/);
    expect(hintText({ range: at(1), message, severity: 0, data: { headline: " " } }, 120)).toMatch(/^The file/);
    expect(hintText({ range: at(1), message: "Unused import. Remove it.", severity: 1, source: "Pylance" }, 120)).toBe("Unused import");
  });
});

describe("SecretRedactor", () => {
  it("redacts known secrets, Google keys and apiKey fields", () => {
    const r = new SecretRedactor();
    r.add("my-very-secret-key-123");
    r.add("short");
    const google = "AIza" + "SyD3m0qW7eRt9YuI1oP4aS6dF8gH0jK2lZ5";
    const text = `key my-very-secret-key-123, google ${google}, {"apiKey": "anything"} short`;
    expect(r.redact(text)).toBe('key <redacted>, google <redacted>, {"apiKey": "<redacted>"} short');
  });
});
