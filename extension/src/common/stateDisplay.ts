/**
 * What the status bar (and the panel header) show for the daemon's phase and the session's livepair/status.
 * Pure, so every state's text, icon and click action is tested.
 */

import { Commands } from "./constants";
import type { DeviceStatus, StatusParams, Usage } from "./protocol";

/** Where the daemon process is (the session state only means something once it is ready). */
export type DaemonPhase = "starting" | "ready" | "needsSetup" | "failed" | "stopped";

export type Tone = "normal" | "active" | "warning" | "error";

export interface StatusDisplay {
  /** Status bar text with codicons, e.g. "$(mic-filled) LivePair: listening". */
  text: string;
  /** Plain words for the state ("listening"), used by the panel and accessibility. */
  label: string;
  tooltip: string;
  tone: Tone;
  /** Command run when the status bar item is clicked. */
  command: string;
  /** Whether a session is running (drives the start/stop button and context key). */
  active: boolean;
}

const ACTIVE_STATES = new Set(["connecting", "listening", "thinking", "speaking", "reconnecting", "paused"]);

export function isSessionActive(status: StatusParams | null | undefined): boolean {
  return !!status && ACTIVE_STATES.has(status.state);
}

interface StateLook {
  icon: string;
  label: string;
  tone: Tone;
}

const LOOKS: Record<string, StateLook> = {
  connecting: { icon: "$(loading~spin)", label: "connecting…", tone: "active" },
  listening: { icon: "$(mic-filled)", label: "listening", tone: "active" },
  thinking: { icon: "$(loading~spin)", label: "thinking…", tone: "active" },
  speaking: { icon: "$(unmute)", label: "speaking", tone: "active" },
  reconnecting: { icon: "$(sync~spin)", label: "reconnecting…", tone: "warning" },
  paused: { icon: "$(debug-pause)", label: "paused", tone: "active" },
  error: { icon: "$(error)", label: "error", tone: "error" },
};

function formatTokens(n: number): string {
  return n.toLocaleString("en-US");
}

function byModality(counts: Record<string, number> | undefined): string {
  return Object.entries(counts ?? {})
    .filter(([, n]) => n > 0)
    .map(([modality, n]) => `${modality.toLowerCase()} ${formatTokens(n)}`)
    .join(", ");
}

/**
 * The cost meter in words: the session's tokens (all turns, across reconnects), where they went, and the estimated
 * cost, e.g. "1,234 tokens in 3 turns (in: audio 700, text 500; out: audio 34) · about $0.0042". Empty before any.
 */
export function usageText(usage: Usage | null | undefined): string {
  if (!usage || usage.totalTokens <= 0) {
    return "";
  }
  const turns = usage.turns === 1 ? "1 turn" : `${usage.turns} turns`;
  const parts = [byModality(usage.promptByModality), byModality(usage.responseByModality)];
  const split = parts[0] || parts[1] ? ` (in: ${parts[0] || "—"}; out: ${parts[1] || "—"})` : "";
  const cost = usage.estimatedCostUsd > 0 ? ` · about $${usage.estimatedCostUsd.toFixed(4)}` : "";
  return `${formatTokens(usage.totalTokens)} tokens in ${turns}${split}${cost}`;
}

/** The microphone's state: "on", "off", "muted", "unavailable", or undefined when the daemon does not say. */
export function micState(status: StatusParams): string | undefined {
  return status.mic?.state;
}

function deviceLine(name: string, device: DeviceStatus | undefined): string | undefined {
  if (device === undefined) {
    return undefined;
  }
  const detail = device.reason ? ` — ${device.reason}` : device.device ? ` (${device.device})` : "";
  return `${name}: ${device.state}${detail}`;
}

function sessionTooltip(status: StatusParams, label: string, screenChoice?: string): string {
  const lines = [`LivePair: ${label}`];
  if (status.message) {
    lines.push(status.message);
  }
  if (status.backend === "offline") {
    lines.push("Backend: offline advisor (nothing leaves this machine)");
  } else if (status.backend) {
    lines.push(`Backend: ${status.backend === "gemini" ? "Gemini Live" : status.backend}`);
  }
  const mic = deviceLine("Microphone", status.mic);
  if (mic) {
    lines.push(status.pushToTalk ? `${mic} (push to talk)` : mic);
  }
  const speaker = deviceLine("Speaker", status.speaker);
  if (speaker && status.speaker?.state !== "on") {
    lines.push(speaker);
  }
  lines.push(screenLine(status, screenChoice), costLine(status));
  return lines.join("\n");
}

const AREAS: Record<string, string> = { window: "only the VS Code window", monitor: "this window's monitor" };

/**
 * The screen in words, always (the user should know whether it is seen): off, sharing (which area), paused or
 * unavailable with the daemon's reason. `choice` is what the user allowed at start ("window", "monitor", "off").
 */
export function screenLine(status: StatusParams | null | undefined, choice?: string): string {
  if (!status || !isSessionActive(status)) {
    return "Screen: off (not pairing)";
  }
  if (status.backend === "offline") {
    return "Screen: off (the offline advisor does not look at the screen)";
  }
  const screen = status.screen ?? "off";
  if (screen === "sharing" && choice && AREAS[choice]) {
    return `Screen: sharing ${AREAS[choice]}`;
  }
  if (screen === "off") {
    return choice === "off" ? "Screen: off (you chose not to share it this time)" : "Screen: off";
  }
  return `Screen: ${screen}`;
}

/** What the session has cost so far, said before the first turn too. */
export function costLine(status: StatusParams | null | undefined): string {
  if (status?.backend === "offline") {
    return "This session: no cost (the offline advisor runs on this machine)";
  }
  return `This session: ${usageText(status?.usage) || "no usage yet"}`;
}

function stateIcon(status: StatusParams, look: StateLook): string {
  if (status.state !== "listening") {
    return look.icon;
  }
  if (status.voice === "userSpeaking") {
    return "$(record)";
  }
  const mic = micState(status);
  return mic === undefined || mic === "on" ? look.icon : "$(eye)"; // no microphone: it watches the editor only
}

/**
 * The state as it really is: "listening" only with a microphone on; without one the senior dev is "watching" (the
 * editor, the terminal); a muted microphone says so.
 */
function stateLabel(status: StatusParams, look: StateLook): string {
  if (status.state !== "listening") {
    return look.label;
  }
  const mic = micState(status);
  if (mic === "muted") {
    return "muted";
  }
  return mic === undefined || mic === "on" ? look.label : "watching (no mic)";
}

/**
 * `mode` is the configured one (the `livepair.mode` setting): before a session starts it is what the status tells,
 * so that choosing tutor mode (the walkthrough's "I'm learning to code") shows at once.
 */
export function describeStatus(
  phase: DaemonPhase,
  status: StatusParams | null,
  phaseMessage = "",
  screenChoice?: string,
  mode?: string,
): StatusDisplay {
  switch (phase) {
    case "starting":
      return {
        text: "$(loading~spin) LivePair",
        label: "starting",
        tooltip: `LivePair: ${phaseMessage || "starting the daemon…"}`,
        tone: "normal",
        command: Commands.showLog,
        active: false,
      };
    case "needsSetup":
      return {
        text: "$(warning) LivePair: set up",
        label: "needs setup",
        tooltip: `LivePair needs its daemon.${phaseMessage ? `\n${phaseMessage}` : ""}\nClick to install it.`,
        tone: "warning",
        command: Commands.installDaemon,
        active: false,
      };
    case "failed":
    case "stopped":
      return {
        text: "$(error) LivePair: stopped",
        label: "daemon stopped",
        tooltip: `LivePair's daemon is not running.${phaseMessage ? `\n${phaseMessage}` : ""}\nClick to restart it.`,
        tone: "error",
        command: Commands.restart,
        active: false,
      };
    case "ready":
      break;
  }
  if (!status || status.state === "idle") {
    const hint = status?.message && status.message !== "Session stopped." ? `\n${status.message}` : "";
    if (mode === "tutor") {
      return {
        text: "$(mortar-board) LivePair (tutor): pair with senior dev",
        label: "idle",
        tooltip: `LivePair in tutor mode: a guiding question and hints before the fix. Click to start pairing.${hint}`,
        tone: "normal",
        command: Commands.toggleSession,
        active: false,
      };
    }
    return {
      text: "$(comment-discussion) Pair with senior dev",
      label: "idle",
      tooltip: `LivePair: click to pair with a senior dev.${hint}`,
      tone: "normal",
      command: Commands.toggleSession,
      active: false,
    };
  }
  const look = LOOKS[status.state] ?? { icon: "$(question)", label: status.state, tone: "normal" as Tone };
  const icon = stateIcon(status, look);
  const label = stateLabel(status, look);
  const who = (status.backend === "offline" ? "LivePair (offline advisor)" : "LivePair") + (status.mode === "tutor" ? " (tutor)" : "");
  const active = isSessionActive(status);
  if (gaveUpRetrying(status)) {
    return {
      text: `$(debug-restart) ${who}: stopped retrying`,
      label: "stopped retrying",
      tooltip: `${sessionTooltip(status, "stopped retrying", screenChoice)}\nClick to retry now.`,
      tone: "warning",
      command: Commands.retryNow,
      active,
    };
  }
  const click = active ? "Click to stop pairing." : "Click to try again.";
  const sharing = screenBadge(status.screen);
  return {
    text: `${icon} ${who}: ${label}${sharing}`,
    label,
    tooltip: `${sessionTooltip(status, label, screenChoice)}\n${click}`,
    tone: look.tone,
    command: Commands.toggleSession,
    active,
  };
}

/**
 * Whether the daemon gave up reconnecting after connections failed in a row (backends/gemini.py `_stop_refused`).
 * The session is still up and keeps what the user asked, so "Retry" must reconnect it (livepair.retryNow), not start
 * another one.
 */
export function gaveUpRetrying(status: StatusParams | null | undefined): boolean {
  return status?.state === "reconnecting" && /\bstopped retrying\b/i.test(status.message ?? "");
}

/** The command behind a "Retry" button for this status: reconnect a session that gave up, else start one. */
export function retryCommand(status: StatusParams | null | undefined): string {
  return gaveUpRetrying(status) ? Commands.retryNow : Commands.start;
}

/**
 * The screen in the status bar: an icon while sharing; words while withheld for privacy (the user should see at a
 * glance why the model stopped seeing the screen) or paused by the user.
 */
export function screenBadge(screen: StatusParams["screen"]): string {
  if (screen === "sharing") {
    return " $(device-desktop)";
  }
  if (screen?.startsWith("paused: ")) {
    return " $(shield) screen paused";
  }
  return screen === "paused" ? " $(debug-pause) screen" : "";
}
