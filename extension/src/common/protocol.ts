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
export const APPROVAL = "livepair/approval";

// initializationOptions key by which a LivePair client announces itself; without it the daemon treats the editor
// as a plain LSP client (starts a session itself, asks approvals with window/showMessageRequest).
export const CLIENT_INFO = "livepairClient";

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
  severity: "info" | "hint" | "warning";
  fix: Fix | null;
  spoken: boolean;
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
  kind: "edit" | "command";
  title: string;
  detail?: string;
  edit?: WorkspaceEdit;
  command?: string;
  cwd?: string;
}

export interface ApprovalResult {
  approved: boolean;
}

/** What livepair.start answers. */
export interface StartResult {
  state: SessionState | string;
  backend?: BackendName | string;
  message?: string;
}
