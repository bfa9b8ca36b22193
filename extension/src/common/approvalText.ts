/**
 * The words and buttons of an approval prompt: exactly what would happen if the user says Allow. Pure; the modal
 * itself is in approvalPrompt.ts.
 */

import type { ApprovalParams, Range, TextEdit } from "./protocol";

export const ALLOW = "Allow";
export const DENY = "Deny";
const MAX_LINES = 40;

/** A button of the modal (a vscode.MessageItem). */
export interface Choice {
  readonly title: string;
  readonly isCloseAffordance?: boolean;
}

export const ALWAYS = "Always Allow in This Workspace";
export const DENY_CHOICE: Choice = { title: DENY };
export const ALLOW_CHOICE: Choice = { title: ALLOW };
/** "Always allow this command in this workspace": explicit, and revocable with "LivePair: Always-allowed commands". */
export const ALWAYS_CHOICE: Choice = { title: ALWAYS };
/**
 * The modal's buttons, in order. VS Code's dialogs make the first button the default (it has the focus, so Enter
 * presses it): Deny comes first. None is the close affordance, so VS Code adds its own Cancel, which Escape presses
 * and which answers undefined, a no too. Deny as the close affordance would be moved behind Allow, the new default.
 */
export const CHOICES: readonly Choice[] = [DENY_CHOICE, ALLOW_CHOICE];

/** The buttons for a request: Always only where the daemon offers it (an exact command in this workspace). */
export function choicesFor(params: { allowAlways?: boolean }): readonly Choice[] {
  return params.allowAlways === true ? [DENY_CHOICE, ALLOW_CHOICE, ALWAYS_CHOICE] : CHOICES;
}

/** Only the Allow (or Always) button itself approves: Deny, Cancel, Escape and a closed window all refuse. */
export function approves(choice: Choice | undefined): boolean {
  return choice === ALLOW_CHOICE || choice === ALWAYS_CHOICE;
}

/** The reply for a choice. */
export function resultFor(choice: Choice | undefined): { approved: boolean; always?: boolean } {
  return choice === ALWAYS_CHOICE ? { approved: true, always: true } : { approved: approves(choice) };
}

/** The model's reason, labelled as the model's: it may repeat words planted in a file, so it is never a heading. */
export function modelSays(reason: string | undefined): string {
  const text = (reason ?? "").trim().replace(/\s+/g, " ");
  return text ? `The senior dev says: \u201c${text}\u201d` : "";
}

export interface ApprovalText {
  message: string;
  detail: string;
}

export interface ApprovalContext {
  /** A short, workspace-relative name for a document URI. */
  relative(uri: string): string;
  /** The current text of a range, when the document is known (for the "-" lines). */
  textAt?(uri: string, range: Range): string | undefined;
}

export function lineSpan(range: Range): string {
  const first = range.start.line + 1;
  // An edit that ends at column 0 of the next line covers whole lines only.
  const last = range.end.character === 0 && range.end.line > range.start.line ? range.end.line : range.end.line + 1;
  return first === last ? `line ${first}` : `lines ${first}–${last}`;
}

function capLines(lines: string[]): string[] {
  if (lines.length <= MAX_LINES) {
    return lines;
  }
  return [...lines.slice(0, MAX_LINES), `… and ${lines.length - MAX_LINES} more lines`];
}

function quoted(prefix: string, text: string): string[] {
  const lines = text.replace(/\n$/, "").split("\n");
  return capLines(lines).map((l) => `${prefix} ${l}`);
}

function describeTextEdit(uri: string, edit: TextEdit, ctx: ApprovalContext): string {
  const where = `${ctx.relative(uri)}, ${lineSpan(edit.range)}`;
  const before = ctx.textAt?.(uri, edit.range);
  const isInsert =
    edit.range.start.line === edit.range.end.line && edit.range.start.character === edit.range.end.character;
  const parts: string[] = [];
  if (isInsert) {
    parts.push(`${where}: insert`);
  } else if (edit.newText === "") {
    parts.push(`${where}: delete`);
  } else {
    parts.push(`${where}: replace`);
  }
  if (before !== undefined && before !== "" && !isInsert) {
    parts.push(...quoted("−", before));
  }
  if (edit.newText !== "") {
    parts.push(...quoted("+", edit.newText));
  }
  return parts.join("\n");
}

/** All text edits of a request as (uri, edit) pairs, whichever WorkspaceEdit form it uses. */
export function textEditsOf(params: ApprovalParams): Array<[string, TextEdit]> {
  const out: Array<[string, TextEdit]> = [];
  for (const [uri, edits] of Object.entries(params.edit?.changes ?? {})) {
    for (const e of edits) {
      out.push([uri, e]);
    }
  }
  for (const change of params.edit?.documentChanges ?? []) {
    for (const e of change.edits ?? []) {
      out.push([change.textDocument.uri, e]);
    }
  }
  return out;
}

/**
 * The prompt for a request, or an error string when the request is malformed (then it is denied without asking:
 * nothing happens that the user could not see).
 */
export function describeApproval(params: ApprovalParams, ctx: ApprovalContext): ApprovalText | { error: string } {
  const title = (params.title || "").trim();
  const extra = (params.detail || "").trim();
  const said = modelSays(params.reason);
  const withReason = (body: string): string => [body, extra, said].filter((p) => p !== "").join("\n\n");
  if (params.kind === "edit") {
    const edits = textEditsOf(params);
    if (edits.length === 0) {
      return { error: "an edit request without any edit" };
    }
    const files = [...new Set(edits.map(([uri]) => ctx.relative(uri)))];
    const what = files.length === 1 ? files[0] : `${files.length} files`;
    // Older daemons put the model's reason in `title`; with `reason` the title is the daemon's own heading.
    const message = params.reason !== undefined && title ? title : `LivePair wants to edit ${what}${title ? `: ${title}` : "."}`;
    const body = edits.map(([uri, e]) => describeTextEdit(uri, e, ctx)).join("\n\n");
    return { message, detail: [extra, body, said].filter((p) => p !== "").join("\n\n") };
  }
  if (params.kind === "command") {
    const command = (params.command || "").trim();
    if (!command) {
      return { error: "a command request without a command" };
    }
    const message = params.reason !== undefined && title ? title : `LivePair wants to run a command${title ? `: ${title}` : "."}`;
    const where = params.cwd ? `\nin ${params.cwd}` : "";
    return { message, detail: withReason(`$ ${command}${where}`) };
  }
  if (params.kind === "python") {
    const code = params.code ?? "";
    if (!code.trim()) {
      return { error: "a Python request without code" };
    }
    const message = title || "LivePair wants to run Python code in the sandbox";
    const lines = capLines(code.replace(/\n$/, "").split("\n"));
    const how = params.command ? `\n\n(${params.command})` : "";
    return { message, detail: withReason(`${lines.join("\n")}${how}`) };
  }
  return { error: `an approval request of unknown kind ${JSON.stringify((params as { kind?: unknown }).kind)}` };
}
