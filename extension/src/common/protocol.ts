/**
 * The livepair/* LSP extension, mirrored from server/livepair/lsp/protocol.py.
 * Keep the two files in step: method names, payload shapes, command names. Every interface that has a TypedDict
 * of the same name there is compared field by field by tests/contract/test_payload_shapes.py.
 */

// client -> server notifications
export const DIAGNOSTICS = "livepair/diagnostics";
export const TERMINAL = "livepair/terminal";
export const EDITOR_STATE = "livepair/editorState";
// server -> client notifications / requests
export const STATUS = "livepair/status";
export const TRANSCRIPT = "livepair/transcript";
export const ADVICE = "livepair/advice";
/** The web sources of the answer just finished (Google Search grounding). */
export const SOURCES = "livepair/sources";
export const APPROVAL = "livepair/approval";
/** Notification `{ approvalId, why }`: that approval's call was cancelled or timed out; close its prompt. */
export const APPROVAL_WITHDRAWN = "livepair/approvalWithdrawn";
/** Request: run an approved command in a terminal the user sees (clients that announce `terminal: true`). */
export const RUN_IN_TERMINAL = "livepair/runInTerminal";
/** Notification: the model cancelled that run; kill it. */
export const CANCEL_RUN = "livepair/cancelRun";
/** Notification: what a run the model asked for did, for the panel. */
export const TOOL_RUN = "livepair/toolRun";

// initializationOptions key by which a LivePair client announces itself; without it the daemon treats the editor
// as a plain LSP client (starts a session itself, asks approvals with window/showMessageRequest).
export const CLIENT_INFO = "livepairClient";
/** ... with `terminal: true` the client answers livepair/runInTerminal (else the daemon runs approved commands). */
export const CLIENT_TERMINAL = "terminal";

// workspace/executeCommand on the daemon
export const DaemonCommands = {
  start: "livepair.start",
  stop: "livepair.stop",
  ask: "livepair.ask",
  explain: "livepair.explain",
  toggleMic: "livepair.toggleMic",
  toggleScreen: "livepair.toggleScreen",
  showSentLog: "livepair.showSentLog",
  retryNow: "livepair.retryNow",
  showAuditLog: "livepair.showAuditLog",
  allowedCommands: "livepair.allowedCommands",
  pushToTalkStart: "livepair.pushToTalkStart",
  pushToTalkEnd: "livepair.pushToTalkEnd",
} as const;

/** The daemon keeps only this much terminal output (the tail); the extension caps to the same. */
export const MAX_TERMINAL_OUTPUT = 64 * 1024;

export type SessionState = "idle" | "connecting" | "listening" | "thinking" | "speaking" | "reconnecting" | "error";
export type BackendName = "gemini" | "offline";

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** An LSP Diagnostic as JSON (the fields the extension sends). */
export interface Diagnostic {
  range: Range;
  message: string;
  severity?: 1 | 2 | 3 | 4;
  code?: string | number;
  source?: string;
  tags?: number[];
}

/** Tokens over the whole session (all turns, across reconnects), per modality, and the estimated cost. */
export interface Usage {
  promptTokens: number;
  responseTokens: number;
  totalTokens: number;
  turns: number;
  promptByModality: Record<string, number>;
  responseByModality: Record<string, number>;
  estimatedCostUsd: number;
}

/** A device of the daemon (microphone, speaker). */
export interface DeviceStatus {
  state: "on" | "off" | "muted" | "unavailable" | string;
  device?: string;
  reason?: string;
}

export interface StatusParams {
  state: SessionState | string;
  backend: BackendName | string | null;
  message: string;
  usage: Usage | null;
  /** "off", "starting", "sharing", "paused", "paused: <why>", "unavailable: <why>"; absent without a session. */
  screen?: string;
  // Voice, while a session runs.
  mic?: DeviceStatus;
  speaker?: DeviceStatus;
  /** What the voice is doing: "listening", "userSpeaking", "speaking", "idle". */
  voice?: string;
  pushToTalk?: boolean;
  duplex?: "half" | "full";
  /** Microphone chunks dropped because the daemon fell behind. */
  micDropped?: number;
  mode?: string; // "tutor" (absent: pair)
}

export interface TranscriptParams {
  role: "user" | "model";
  text: string;
  final: boolean;
}

export interface Fix {
  title: string;
  range: Range;
  newText: string;
}

export interface AdviceParams {
  id: string;
  uri: string;
  range: Range;
  message: string;
  /** The cause in at most 60 characters (the inline hint, the card's title). */
  headline: string;
  severity: "error" | "warning" | "info" | "hint";
  fix: Fix | null;
  spoken: boolean;
}

export interface SourceLink {
  title: string;
  uri: string;
}

export interface SourcesParams {
  sources: SourceLink[];
  queries: string[];
}

export interface DiagnosticsParams {
  uri: string;
  diagnostics: Diagnostic[];
}

export interface TerminalParams {
  command: string;
  cwd: string | null;
  exitCode: number | null;
  output: string;
}

export interface EditorStateParams {
  uri: string | null;
  selection: Range | null;
  visibleRanges: Range[];
  /** Every document on screen (split editors too): screen sharing pauses while a sensitive one is visible. */
  visibleUris: string[];
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface VersionedDocument {
  uri: string;
  version?: number | null;
}

export interface DocumentChange {
  textDocument: VersionedDocument;
  edits: TextEdit[];
}

/** The subset of an LSP WorkspaceEdit an approval request can carry. */
export interface WorkspaceEdit {
  changes?: Record<string, TextEdit[]>;
  documentChanges?: DocumentChange[];
}

export interface ApprovalParams {
  kind: "edit" | "command" | "python";
  /** The daemon's own heading; never the model's words. */
  title: string;
  detail?: string;
  /** The model's reason: shown labelled as the model's ("The senior dev says: …"), never as the heading. */
  reason?: string;
  edit?: WorkspaceEdit;
  command?: string;
  cwd?: string;
  /** kind "python": the snippet, shown in full. */
  code?: string;
  /** Offer "Always allow this command in this workspace". */
  allowAlways?: boolean;
  /** Named again by livepair/approvalWithdrawn. */
  approvalId?: string;
  /** The daemon's warnings: a multi-line command, hidden characters, blank-line runs, long lines. */
  warnings?: string[];
  /** kind "python": what the sandbox does and does not isolate on this machine. */
  isolation?: string[];
  /** The whole prompt as plain text (the daemon's rendering, for clients without their own). */
  shown?: string;
}

export interface ApprovalWithdrawnParams {
  approvalId: string;
  why: string;
}

export interface ApprovalResult {
  approved: boolean;
  /** The user chose "Always allow this command in this workspace". */
  always?: boolean;
}

export interface RunInTerminalParams {
  runId: string;
  command: string;
  cwd: string;
  /** Exactly the environment to run with (the daemon scrubbed keys and tokens from it). */
  env: Record<string, string>;
  timeoutMs: number;
  maxOutput: number;
}

export interface RunInTerminalResult {
  exitCode: number | null;
  output: string;
  timedOut: boolean;
  truncated?: boolean;
  error?: string;
}

export interface CancelRunParams {
  runId: string;
}

export interface ToolRunParams {
  tool: "run_command" | "run_python" | string;
  what: string;
  exitCode: number | null;
  output: string;
  outcome: "finished" | "timedOut" | "cancelled" | "denied" | "refused" | string;
  where: "terminal" | "daemon" | "sandbox" | "none" | string;
}

/** What livepair.start answers. */
export interface StartResult {
  state: SessionState | string;
  backend?: BackendName | string;
  message?: string;
}
