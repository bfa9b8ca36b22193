/**
 * The words and buttons of an approval prompt: exactly what would happen if the user says Allow. Pure; the page is
 * built in approvalPage.ts and shown in approvalPrompt.ts.
 */

import type { ApprovalParams, Range, TextEdit } from "./protocol";

export const ALLOW = "Allow";
export const DENY = "Deny";

/** A button of the prompt; `key` is how the page names it in its answer. */
export interface Choice {
  readonly title: string;
  readonly key: "deny" | "allow" | "always";
}

export const ALWAYS = "Always Allow in This Workspace";
export const DENY_CHOICE: Choice = { title: DENY, key: "deny" };
export const ALLOW_CHOICE: Choice = { title: ALLOW, key: "allow" };
/** "Always allow this command in this workspace": explicit, and revocable with "LivePair: Always-allowed commands". */
export const ALWAYS_CHOICE: Choice = { title: ALWAYS, key: "always" };
/**
 * The prompt's buttons, in order. Deny comes first and is the default: it has the focus, so Enter presses it, and
 * Escape or closing the prompt answers undefined, a no too.
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

// The display rules of the daemon's session/approval_text.py, mirrored (both checked against approvalVectors.json):
// what runs is shown whole and every character that could hide or disguise it is escaped, Python-style, so the
// text shown decodes back to exactly what runs.
const HIDDEN_CATEGORY = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
const CONTROL = /\p{Cc}/u;
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
/** Drawn as nothing or a blank, though not format characters: joiners, fillers, braille blank, variation selectors. */
const BLANK_LOOKING = new Set([
  0x034f, 0x115f, 0x1160, 0x17b4, 0x17b5, 0x180e, 0x2800, 0x3164, 0xffa0,
  ...range(0xfe00, 0xfe10),
  ...range(0xe0100, 0xe01f0),
]);
const BIDI = new Set([0x061c, 0x200e, 0x200f, ...range(0x202a, 0x202f), ...range(0x2066, 0x206a)]);
const ZERO_WIDTH = new Set([0x200b, 0x200c, 0x200d, 0x2060, 0xfeff]);
const NAMED: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\r": "\\r", "\n": "\\n" };
const BLANK_RUN = 3;
const LONG_LINE = 200;
export const REASON_LABEL = "The senior dev says";
export const REASON_NOTE = "(the model's own words, not checked by LivePair)";

/** Would this character, shown as is, hide or disguise what runs? (ASCII space and newline are plain.) */
export function isHidden(ch: string): boolean {
  if (ch === "\n" || ch === " ") {
    return false;
  }
  return BLANK_LOOKING.has(ch.codePointAt(0) ?? 0) || HIDDEN_CATEGORY.test(ch);
}

function escapeChar(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) {
    return named;
  }
  const cp = ch.codePointAt(0) ?? 0;
  if (cp <= 0xff) {
    return `\\x${cp.toString(16).padStart(2, "0")}`;
  }
  if (cp <= 0xffff) {
    return `\\u${cp.toString(16).padStart(4, "0")}`;
  }
  return `\\U${cp.toString(16).padStart(8, "0")}`;
}

/** The text with every hidden character escaped; real newlines kept only where `multiline` (a snippet). */
export function visible(text: string, multiline = false): string {
  let out = "";
  for (const ch of text) {
    if (ch === "\n" && multiline) {
      out += ch;
    } else if (NAMED[ch] !== undefined || isHidden(ch)) {
      out += escapeChar(ch);
    } else {
      out += ch;
    }
  }
  return out;
}

/** The exact text a `visible()` rendering stands for. */
export function decode(shown: string): string {
  return shown.replace(/\\(\\|t|r|n|x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})/g, (_m, body: string) => {
    const named: Record<string, string> = { "\\": "\\", t: "\t", r: "\r", n: "\n" };
    return named[body] ?? String.fromCodePoint(parseInt(body.slice(1), 16));
  });
}

function hiddenKinds(text: string): Map<string, number> {
  const kinds = new Map<string, number>();
  for (const ch of text) {
    if (ch === "\n" || ch === "\t" || !isHidden(ch)) {
      continue;
    }
    const cp = ch.codePointAt(0) ?? 0;
    const kind = BIDI.has(cp)
      ? "bidi"
      : ZERO_WIDTH.has(cp)
        ? "zero-width"
        : CONTROL.test(ch)
          ? "control"
          : "invisible or look-alike";
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return kinds;
}

function looksBlank(line: string): boolean {
  return [...line].every((ch) => " \t\r\f\v".includes(ch) || isHidden(ch));
}

/** What the user should look at twice before allowing `text` (a command line, or a snippet if multiline). */
export function warnings(text: string, multiline: boolean): string[] {
  const found: string[] = [];
  const lines = text.split("\n");
  if (!multiline && lines.length > 1) {
    found.push(`This command is ${lines.length} lines, shown joined with \\n: every line runs.`);
  }
  const kinds = [...hiddenKinds(text)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (kinds.length > 0) {
    const counted = kinds.map(([kind, n]) => `${n} ${kind}`).join(", ");
    found.push(`Hidden characters, shown escaped (\\u…, \\x…): ${counted}.`);
  }
  if (multiline) {
    let blank = 0;
    lines.forEach((line, i) => {
      const number = i + 1;
      if (looksBlank(line)) {
        blank += 1;
        return;
      }
      if (blank >= BLANK_RUN && number > blank + 1) {
        found.push(`${blank} blank lines before line ${number}: scroll, the code goes on.`);
      }
      blank = 0;
    });
  }
  const long = lines.findIndex((line) => [...line].length > LONG_LINE);
  if (long >= 0) {
    found.push(`Line ${long + 1} is longer than ${LONG_LINE} characters: scroll sideways.`);
  }
  return found;
}

/** The model's reason on one line, escaped and quoted (its quote marks too): never mistaken for LivePair's words. */
export function modelSays(reason: string | undefined): string {
  const text = (reason ?? "").trim();
  if (!text) {
    return "";
  }
  const shown = visible(text).replace(/\u201c/g, "\\u201c").replace(/\u201d/g, "\\u201d");
  return `${REASON_LABEL}: \u201c${shown}\u201d ${REASON_NOTE}`;
}

export interface ApprovalText {
  /** The daemon's heading (never the model's words). */
  message: string;
  /** Everything below the heading as one text (warnings, what runs, notes, the model's reason). */
  detail: string;
  /** The same, in its parts, for a prompt that lays them out. */
  parts: ApprovalParts;
}

export interface ApprovalParts {
  /** What to look at twice, without the \u26a0 mark. */
  warnings: string[];
  /** Exactly what would happen, escaped (`visible`): the command line and its folder, the snippet, the edits. */
  runs: string;
  /** The daemon's own notes: its detail and, for a snippet, what the sandbox isolates here. */
  notes: string[];
  /** The model's reason, quoted and labelled as the model's (`modelSays`), or "". */
  reason: string;
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

function quoted(prefix: string, text: string): string[] {
  const lines = text.replace(/\n$/, "").split("\n");
  // Every line, never "… N more lines": the prompt scrolls, and a line not shown would still be written.
  return lines.map((l) => `${prefix} ${visible(l)}`);
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

function flagged(found: string[]): string {
  return found.map((w) => `\u26a0 ${w}`).join("\n");
}

/**
 * The prompt for a request, or an error string when the request is malformed (then it is denied without asking:
 * nothing happens that the user could not see).
 */
export function describeApproval(params: ApprovalParams, ctx: ApprovalContext): ApprovalText | { error: string } {
  const title = (params.title || "").trim();
  const extra = (params.detail || "").trim();
  const said = modelSays(params.reason);
  const text = (message: string, parts: ApprovalParts, order: string[]): ApprovalText => ({
    message,
    detail: order.filter((p) => p !== "").join("\n\n"),
    parts,
  });
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
    const notes = extra ? [extra] : [];
    const found = [...new Set(edits.flatMap(([, e]) => warnings(e.newText, true)))];
    return text(message, { warnings: found, runs: body, notes, reason: said }, [extra, flagged(found), body, said]);
  }
  if (params.kind === "command") {
    const command = (params.command || "").trim();
    if (!command) {
      return { error: "a command request without a command" };
    }
    const message = params.reason !== undefined && title ? title : `LivePair wants to run a command${title ? `: ${title}` : "."}`;
    const raw = params.command ?? "";
    const cwd = params.cwd ?? "";
    const where = cwd ? `\nin ${visible(cwd)}` : "";
    const found = [...warnings(raw, false), ...warnings(cwd, false)];
    const runs = `$ ${visible(raw)}${where}`;
    const notes = extra ? [extra] : [];
    return text(message, { warnings: found, runs, notes, reason: said }, [flagged(found), runs, extra, said]);
  }
  if (params.kind === "python") {
    const code = params.code ?? "";
    if (!code.trim()) {
      return { error: "a Python request without code" };
    }
    const message = title || "LivePair wants to run Python code in the sandbox";
    // The whole snippet, never cut: every line shown is a line that runs (the prompt scrolls).
    const shown = visible(code.replace(/\n$/, ""), true);
    const how = params.command ? `\n\n(${visible(params.command)})` : "";
    const bounds = (params.isolation ?? []).map((line) => `  ${visible(line)}`).join("\n");
    const found = warnings(code, true);
    const runs = `${shown}${how}`;
    const notes = [bounds, extra].filter((p) => p !== "");
    return text(message, { warnings: found, runs, notes, reason: said }, [flagged(found), runs, bounds, extra, said]);
  }
  return { error: `an approval request of unknown kind ${JSON.stringify((params as { kind?: unknown }).kind)}` };
}

/**
 * Prompts the daemon may withdraw (livepair/approvalWithdrawn), by approvalId. `race` settles with the user's choice,
 * or with `withdrawn` as soon as the daemon takes the request back: a later choice then approves nothing.
 */
export class Withdrawals {
  private readonly open = new Map<string, { what: string; settle: () => void }>();

  /** `close` runs at the moment of the withdrawal, before anything else can answer the prompt. */
  async race<T>(
    params: ApprovalParams,
    choice: PromiseLike<T>,
    close: () => void = () => undefined,
  ): Promise<{ withdrawn: true } | { withdrawn: false; choice: T }> {
    const id = params.approvalId;
    if (id === undefined) {
      return { withdrawn: false, choice: await choice };
    }
    const what = params.kind === "python" ? "the Python code" : `\`${visible(params.command ?? "")}\``;
    const withdrawn = new Promise<{ withdrawn: true }>((resolve) => {
      const settle = (): void => {
        close();
        resolve({ withdrawn: true });
      };
      this.open.set(id, { what: `run ${what}`, settle });
    });
    try {
      return await Promise.race([withdrawn, Promise.resolve(choice).then((c) => ({ withdrawn: false as const, choice: c }))]);
    } finally {
      this.open.delete(id);
    }
  }

  /** What the withdrawn prompt asked (for the message), or undefined when it is no longer open. */
  withdraw(id: string): string | undefined {
    const entry = this.open.get(id);
    if (entry === undefined) {
      return undefined;
    }
    this.open.delete(id);
    entry.settle();
    return entry.what;
  }

  get size(): number {
    return this.open.size;
  }
}
