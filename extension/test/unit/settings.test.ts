import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  DAEMON_SETTING_KEYS,
  daemonSettings,
  extensionSettings,
  settingsChangedSince,
  settingsImpact,
} from "../../src/common/settings";

const manifest = JSON.parse(readFileSync(join(__dirname, "../../package.json"), "utf8"));
type Entry = { default?: unknown; description?: string; markdownDescription?: string };
const contributed: Record<string, Entry> = Object.assign(
  {},
  ...(manifest.contributes.configuration as { properties: Record<string, Entry> }[]).map((g) => g.properties),
);

describe("daemonSettings", () => {
  it("sends the daemon's keys (camelCase as in config.py) and nothing else", () => {
    const values: Record<string, unknown> = { model: "m", baseUrl: "https://127.0.0.1:1", python: "/p", hoverWaitMs: 0 };
    expect(daemonSettings((k) => values[k])).toEqual({ model: "m", baseUrl: "https://127.0.0.1:1", hoverWaitMs: 0 });
  });

  it("every daemon key is a contributed setting with a description and a default", () => {
    for (const key of DAEMON_SETTING_KEYS) {
      const entry = contributed[`livepair.${key}`];
      expect(entry, key).toBeDefined();
      expect(entry.description ?? entry.markdownDescription, key).toBeTruthy();
      expect(entry.default, key).not.toBeUndefined();
    }
  });

  it("defaults mirror config.py", () => {
    expect(contributed["livepair.model"].default).toBe("gemini-3.8-live");
    expect(contributed["livepair.apiVersion"].default).toBe("v1beta");
    expect(contributed["livepair.responseModality"].default).toBe("audio");
    expect(contributed["livepair.digestDebounceMs"].default).toBe(300);
    expect(contributed["livepair.hoverWaitMs"].default).toBe(1500);
    expect(contributed["livepair.maxDiagnostics"].default).toBe(50);
  });
});

describe("extensionSettings", () => {
  it("has safe defaults", () => {
    expect(extensionSettings(() => undefined)).toEqual({
      python: "",
      inlineHints: true,
      inlineHintMaxLength: 120,
      shareTerminalOutput: true,
    });
  });

  it("reads and sanitises values", () => {
    const values: Record<string, unknown> = {
      python: "  ~/venv/bin/python ",
      "inlineHints.enabled": false,
      "inlineHints.maxLength": 5,
      shareTerminalOutput: false,
    };
    expect(extensionSettings((k) => values[k])).toEqual({
      python: "~/venv/bin/python",
      inlineHints: false,
      inlineHintMaxLength: 120,
      shareTerminalOutput: false,
    });
  });
});

describe("settingsImpact", () => {
  const affects = (...keys: string[]) => (k: string) => keys.includes(k);
  it("restarts the daemon for another Python", () => {
    expect(settingsImpact(affects("python", "model"))).toBe("restartDaemon");
  });
  it("tells a running session that connection settings apply next time", () => {
    expect(settingsImpact(affects("model"))).toBe("notifyDaemonNewSession");
  });
  it("every setting of the connection and of the devices is sent, and applies in a new session", () => {
    const connection = ["model", "apiVersion", "baseUrl", "backend", "vertex", "vertexProject", "vertexLocation"];
    const devices = ["voice", "responseModality", "micDevice", "speakerDevice", "micChunkMs", "duplex"];
    for (const key of [...connection, ...devices, "screenEnabled", "screenMonitor"]) {
      expect(DAEMON_SETTING_KEYS, key).toContain(key);
      expect(settingsImpact(affects(key)), key).toBe("notifyDaemonNewSession");
    }
  });
  it("just notifies the daemon of other settings", () => {
    expect(settingsImpact(affects("hoverWaitMs"))).toBe("notifyDaemon");
  });
  it("ignores the extension's own settings", () => {
    expect(settingsImpact(affects("inlineHints.enabled"))).toBe("none");
  });
});

describe("settingsChangedSince", () => {
  it("tells a mode chosen while the daemon started, and nothing when all is the same", () => {
    const initial = { mode: "pair", backend: "offline", screenExclude: ["*.env"] };
    expect(settingsChangedSince(initial, { ...initial, mode: "tutor" })).toBe(true);
    expect(settingsChangedSince(initial, { ...initial, screenExclude: ["*.env"] })).toBe(false);
    expect(settingsChangedSince(initial, { ...initial, learnerLevel: "beginner" })).toBe(true); // newly set
    expect(settingsChangedSince({ ...initial, learnerLevel: "beginner" }, initial)).toBe(true); // reset
  });
});
