/**
 * The `livepair.*` settings: which go to the daemon (mirroring server/livepair/config.py) and which the extension
 * uses itself. Pure: reads through a `get` function so it can be tested without VS Code.
 */

/**
 * Daemon settings VS Code does not show, because it ignores them: `autoStart` is for editors without a button (the
 * extension starts pairing with its own button).
 */
export const NOT_IN_VSCODE = [
  "autoStart",
] as const;

/** The connection to the model: which one, where, how it answers; a change reaches it only in a new session. */
const CONNECTION_KEYS = [
  "model",
  "apiVersion",
  "baseUrl",
  "backend",
  "vertex",
  "vertexProject",
  "vertexLocation",
  "voice",
  "responseModality",
] as const;

/** Keys the daemon understands, camelCase as in config.py (all but NOT_IN_VSCODE). */
export const DAEMON_SETTING_KEYS = [
  ...CONNECTION_KEYS,
  "proactivity",
  "redaction",
  "lookAtFailures",
  "googleSearch",
  "screenShare",
  "prices",
  "digestDebounceMs",
  "hoverWaitMs",
  "excerptLines",
  "terminalTailLines",
  "maxDiagnostics",
  "micEnabled",
  "micDevice",
  "speakerDevice",
  "micChunkMs",
  "jitterMs",
  "duplex",
  "bargeIn",
  "pushToTalk",
  "remarkIntervalS",
  "screenEnabled",
  "screenMonitor",
  "screenRegion",
  "screenIntervalMs",
  "screenKeepAliveS",
  "screenChangeCells",
  "screenMaxSize",
  "screenJpegQuality",
  "screenReadText",
  "screenExclude",
  "commandEnvAllow",
  "screenGitignore",
  "screenOcrMask",
  "mediaResolution",
  "mode",
  "learnerLevel",
] as const;

export type DaemonSettingKey = (typeof DAEMON_SETTING_KEYS)[number];
export type DaemonSettings = Partial<Record<DaemonSettingKey, unknown>>;

/** A change to one of these restarts the daemon (it runs in another interpreter). */
export const DAEMON_RESTART_KEYS = ["python"] as const;

/** A change to one of these only takes effect when a new session connects. */
export const SESSION_KEYS: readonly DaemonSettingKey[] = [
  ...CONNECTION_KEYS,
  "micDevice",
  "speakerDevice",
  "micChunkMs",
  "duplex",
  "screenEnabled",
  "screenMonitor",
];

export type SettingGetter = (key: string) => unknown;

/** The object sent as initializationOptions and in workspace/didChangeConfiguration (`{livepair: ...}`). */
export function daemonSettings(get: SettingGetter): DaemonSettings {
  const settings: DaemonSettings = {};
  for (const key of DAEMON_SETTING_KEYS) {
    const value = get(key);
    if (value !== undefined && value !== null) {
      settings[key] = value;
    }
  }
  return settings;
}

/**
 * Whether the settings changed since the daemon's initializationOptions were taken. A change made while it starts
 * (the walkthrough's "Use tutor mode" clicked in the first second) reaches no running daemon, and the language
 * client restarts a crashed one with the same old options: the current ones must be sent once it is ready.
 */
export function settingsChangedSince(sent: DaemonSettings, now: DaemonSettings): boolean {
  const keys = new Set([...Object.keys(sent), ...Object.keys(now)]) as Set<DaemonSettingKey>;
  return [...keys].some((k) => JSON.stringify(sent[k]) !== JSON.stringify(now[k]));
}

export interface ExtensionSettings {
  python: string;
  inlineHints: boolean;
  inlineHintMaxLength: number;
  shareTerminalOutput: boolean;
}

export function extensionSettings(get: SettingGetter): ExtensionSettings {
  const python = get("python");
  const maxLength = get("inlineHints.maxLength");
  return {
    python: typeof python === "string" ? python.trim() : "",
    inlineHints: get("inlineHints.enabled") !== false,
    inlineHintMaxLength: typeof maxLength === "number" && maxLength >= 20 ? Math.floor(maxLength) : 120,
    shareTerminalOutput: get("shareTerminalOutput") !== false,
  };
}

/** What a configuration change means for the daemon. */
export type SettingsImpact = "none" | "restartDaemon" | "notifyDaemon" | "notifyDaemonNewSession";

export function settingsImpact(affects: (key: string) => boolean): SettingsImpact {
  if (DAEMON_RESTART_KEYS.some((k) => affects(k))) {
    return "restartDaemon";
  }
  if (SESSION_KEYS.some((k) => affects(k))) {
    return "notifyDaemonNewSession";
  }
  if (DAEMON_SETTING_KEYS.some((k) => affects(k))) {
    return "notifyDaemon";
  }
  return "none";
}
