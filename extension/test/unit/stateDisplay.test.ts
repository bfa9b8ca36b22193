import { describe, expect, it } from "vitest";
import { Commands } from "../../src/common/constants";
import type { StatusParams } from "../../src/common/protocol";
import {
  costLine,
  describeStatus,
  gaveUpRetrying,
  isSessionActive,
  retryCommand,
  screenLine,
} from "../../src/common/stateDisplay";

const status = (state: string, extra: Partial<StatusParams> = {}): StatusParams => ({
  state,
  backend: "gemini",
  message: "",
  usage: null,
  ...extra,
});

describe("describeStatus", () => {
  it("shows the daemon's phase until it is ready", () => {
    expect(describeStatus("starting", null)).toMatchObject({ text: "$(loading~spin) LivePair", active: false });
    const setup = describeStatus("needsSetup", null, "No Python found.");
    expect(setup.text).toBe("$(warning) LivePair: set up");
    expect(setup.command).toBe(Commands.installDaemon);
    expect(setup.tooltip).toContain("No Python found.");
    const failed = describeStatus("failed", status("listening"), "crashed 4 times");
    expect(failed).toMatchObject({ tone: "error", command: Commands.restart, active: false });
    expect(failed.tooltip).toContain("crashed 4 times");
  });

  it("says when it is a tutor", () => {
    expect(describeStatus("ready", status("listening", { mode: "tutor" })).text).toBe(
      "$(mic-filled) LivePair (tutor): listening",
    );
    expect(describeStatus("ready", status("listening", { backend: "offline", mode: "tutor" })).text).toContain(
      "LivePair (offline advisor) (tutor): listening",
    );
    expect(describeStatus("ready", status("listening")).text).not.toContain("tutor");
    // Before a session starts, the configured mode: chosen in the walkthrough, seen at once.
    const idle = describeStatus("ready", null, "", undefined, "tutor");
    expect(idle.text).toBe("$(mortar-board) LivePair (tutor): pair with senior dev");
    expect(idle.command).toBe(Commands.toggleSession);
    expect(describeStatus("ready", status("idle"), "", undefined, "pair").text).toBe(
      "$(comment-discussion) Pair with senior dev",
    );
  });

  it("offers to pair when idle", () => {
    for (const s of [null, status("idle", { backend: null })]) {
      const d = describeStatus("ready", s);
      expect(d.text).toBe("$(comment-discussion) Pair with senior dev");
      expect(d.command).toBe(Commands.toggleSession);
      expect(d.active).toBe(false);
    }
  });

  it.each([
    ["connecting", "$(loading~spin) LivePair: connecting…", "active"],
    ["listening", "$(mic-filled) LivePair: listening", "active"],
    ["thinking", "$(loading~spin) LivePair: thinking…", "active"],
    ["speaking", "$(unmute) LivePair: speaking", "active"],
    ["reconnecting", "$(sync~spin) LivePair: reconnecting…", "warning"],
    ["paused", "$(debug-pause) LivePair: paused", "active"],
  ])("%s -> %s", (state, text, tone) => {
    const d = describeStatus("ready", status(state));
    expect(d.text).toBe(text);
    expect(d.tone).toBe(tone);
    expect(d.active).toBe(true);
    expect(d.command).toBe(Commands.toggleSession);
    expect(d.tooltip).toContain("Click to stop pairing.");
  });

  it("shows an error with its reason, and a click retries", () => {
    const d = describeStatus("ready", status("error", { message: "API key not valid." }));
    expect(d.text).toBe("$(error) LivePair: error");
    expect(d.tone).toBe("error");
    expect(d.active).toBe(false);
    expect(d.tooltip).toContain("API key not valid.");
    expect(d.tooltip).toContain("Click to try again.");
  });

  it("names the offline advisor", () => {
    const d = describeStatus("ready", status("listening", { backend: "offline" }));
    expect(d.text).toBe("$(mic-filled) LivePair (offline advisor): listening");
    expect(d.tooltip).toContain("offline advisor");
  });

  it("shows the devices the daemon reports", () => {
    const d = describeStatus(
      "ready",
      status("listening", {
        mic: { state: "unavailable", device: "", reason: "No audio input device found." },
        speaker: { state: "on", device: "Speakers" },
        screen: "sharing",
      }),
    );
    expect(d.text).toBe("$(eye) LivePair: watching (no mic) $(device-desktop)");
    expect(d.tooltip).toContain("Microphone: unavailable — No audio input device found.");
    expect(d.tooltip).not.toContain("Speaker:");
    expect(d.tooltip).toContain("Screen: sharing");
    const talking = describeStatus("ready", status("listening", { mic: { state: "on", device: "USB" }, voice: "userSpeaking" }));
    expect(talking.text).toBe("$(record) LivePair: listening");
    expect(talking.tooltip).toContain("Microphone: on (USB)");
    const paused = describeStatus("ready", status("listening", { screen: "paused: sensitive file visible" }));
    expect(paused.text).toBe("$(mic-filled) LivePair: listening $(shield) screen paused");
    expect(paused.tooltip).toContain("Screen: paused: sensitive file visible");
    const byUser = describeStatus("ready", status("listening", { screen: "paused" }));
    expect(byUser.text).toBe("$(mic-filled) LivePair: listening $(debug-pause) screen");
    const none = describeStatus("ready", status("listening", { screen: "unavailable: no display" }));
    expect(none.text).toBe("$(mic-filled) LivePair: listening");
    expect(none.tooltip).toContain("Screen: unavailable: no display");
  });

  it("shows a muted microphone and the tokens used", () => {
    const d = describeStatus(
      "ready",
      status("listening", {
        mic: { state: "off" },
        usage: {
          promptTokens: 1000,
          responseTokens: 234,
          totalTokens: 1234,
          turns: 3,
          promptByModality: { TEXT: 300, AUDIO: 700 },
          responseByModality: { AUDIO: 234 },
          estimatedCostUsd: 0.00527,
        },
      }),
    );
    expect(d.text.startsWith("$(eye)")).toBe(true);
    expect(d.tooltip).toContain("Microphone: off");
    expect(d.tooltip).toContain(
      "This session: 1,234 tokens in 3 turns (in: text 300, audio 700; out: audio 234) · about $0.0053",
    );
    expect(d.tooltip).toContain("Backend: Gemini Live");
  });

  it("shows a state it does not know instead of failing", () => {
    expect(describeStatus("ready", status("warming-up")).text).toBe("$(question) LivePair: warming-up");
  });
});

describe("isSessionActive", () => {
  it("is true only while a session runs", () => {
    expect(isSessionActive(null)).toBe(false);
    expect(isSessionActive(status("idle"))).toBe(false);
    expect(isSessionActive(status("error"))).toBe(false);
    expect(isSessionActive(status("connecting"))).toBe(true);
    expect(isSessionActive(status("speaking"))).toBe(true);
  });
});

describe("a status that tells the truth", () => {
  it("says watching without a microphone, muted when muted, listening only with one on", () => {
    const label = (mic?: StatusParams["mic"]) => describeStatus("ready", status("listening", { mic })).label;
    expect(label({ state: "unavailable", device: "", reason: "No audio input device found." })).toBe("watching (no mic)");
    expect(label({ state: "off" })).toBe("watching (no mic)");
    expect(label({ state: "muted" })).toBe("muted");
    expect(label({ state: "on", device: "USB" })).toBe("listening");
    const offline = describeStatus("ready", status("listening", { backend: "offline", mic: { state: "unavailable" } }));
    expect(offline.text).toBe("$(eye) LivePair (offline advisor): watching (no mic)");
    expect(describeStatus("ready", status("speaking")).label).toBe("speaking");
    expect(describeStatus("ready", status("thinking")).label).toBe("thinking…");
  });

  it("always tells the screen's state and the cost, before the first turn too", () => {
    const fresh = describeStatus("ready", status("listening", { screen: "off" }), "", "window");
    expect(fresh.tooltip).toContain("Screen: off");
    expect(fresh.tooltip).toContain("This session: no usage yet");
    expect(screenLine(status("listening", { screen: "sharing" }), "window")).toBe("Screen: sharing only the VS Code window");
    expect(screenLine(status("listening", { screen: "sharing" }), "monitor")).toBe("Screen: sharing this window's monitor");
    expect(screenLine(status("listening", { screen: "off" }), "off")).toBe("Screen: off (you chose not to share it this time)");
    expect(screenLine(status("listening", { screen: "unavailable: no display" }))).toBe("Screen: unavailable: no display");
    expect(screenLine(status("listening", { backend: "offline" }))).toContain("offline advisor does not look");
    expect(screenLine(null)).toBe("Screen: off (not pairing)");
    expect(costLine(status("listening", { backend: "offline" }))).toContain("no cost");
    expect(costLine(null)).toBe("This session: no usage yet");
  });
});

describe("Retry after the daemon stopped retrying", () => {
  // The message backends/gemini.py sends after three failed connections in a row.
  const gaveUp = status("reconnecting", {
    message:
      "Gemini failed 3 connections in a row before answering (the service closed the connection); stopped retrying. " +
      "What you asked is kept: choose Retry to try again.",
  });

  it("makes the status bar's click reconnect the kept session, and says so", () => {
    const shown = describeStatus("ready", gaveUp);
    expect(shown.command).toBe(Commands.retryNow);
    expect(shown.text).toBe("$(debug-restart) LivePair: stopped retrying");
    expect(shown.tooltip).toContain("Click to retry now.");
    expect(shown.tooltip).not.toContain("Click to stop pairing.");
    expect(shown.active).toBe(true);
  });

  it("points Retry at livepair.retryNow only when the daemon gave up", () => {
    expect(gaveUpRetrying(gaveUp)).toBe(true);
    expect(retryCommand(gaveUp)).toBe(Commands.retryNow);
    const stillTrying = status("reconnecting", { message: "Connection lost. Reconnecting — next try in 2 s." });
    expect(retryCommand(stillTrying)).toBe(Commands.start);
    expect(describeStatus("ready", stillTrying).command).toBe(Commands.toggleSession);
    expect(retryCommand(status("error", { message: "stopped retrying" }))).toBe(Commands.start);
    expect(retryCommand(null)).toBe(Commands.start);
  });
});
