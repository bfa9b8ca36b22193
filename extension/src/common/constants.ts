/** Names shared by the whole extension: command ids, context keys, storage keys, settings section. */

export const EXTENSION_NAME = "LivePair";
export const SETTINGS_SECTION = "livepair";
/** The source of the daemon's own diagnostics (its advice). */
export const ADVICE_SOURCE = "LivePair";

export const Commands = {
  start: "livepair.start",
  stop: "livepair.stop",
  toggleSession: "livepair.toggleSession",
  toggleMic: "livepair.toggleMic",
  pushToTalk: "livepair.pushToTalk",
  toggleScreen: "livepair.toggleScreen",
  ask: "livepair.ask",
  explain: "livepair.explain",
  setApiKey: "livepair.setApiKey",
  clearApiKey: "livepair.clearApiKey",
  showLog: "livepair.showLog",
  showSentLog: "livepair.showSentLog",
  retryNow: "livepair.retryNow",
  showAuditLog: "livepair.showAuditLog",
  manageAllowedCommands: "livepair.manageAllowedCommands",
  restart: "livepair.restart",
  installDaemon: "livepair.installDaemon",
  clearConversation: "livepair.clearConversation",
  revealAdvice: "livepair.revealAdvice",
  chooseScreenSharing: "livepair.chooseScreenSharing",
} as const;

export const ContextKeys = {
  daemonReady: "livepair.daemonReady",
  sessionActive: "livepair.sessionActive",
} as const;

export const Views = {
  conversation: "livepair.conversation",
} as const;

/** SecretStorage key of the Gemini API key. */
export const API_KEY_SECRET = "livepair.geminiApiKey";

/** Where the private environment lives inside the extension's global storage. */
export const PRIVATE_VENV_DIR = "daemon-venv";
