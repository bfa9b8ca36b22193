/**
 * LivePair diagnostics -> one inline hint per line (Error Lens style): the headline (the cause, at most 60
 * characters) of the most severe advice on the line, with a count when there are more. The hover has the rest. Pure.
 */

import type { DiagnosticLike } from "./lspConvert";

export type HintSeverity = "error" | "warning" | "info" | "hint";

/** The daemon's headline bound (advice/store.py). */
export const HEADLINE_CHARS = 60;
/** The inline hint's bound: with the side bar open at 1280 px it still fits beside a 40-character line. */
export const INLINE_CHARS = 52;

export interface InlineHint {
  line: number;
  text: string;
  severity: HintSeverity;
  /** The full messages, for the decoration's hover. */
  messages: string[];
}

/** vscode.DiagnosticSeverity (Error 0 .. Hint 3) -> the hint's colour class: what crashed is red. */
export function hintSeverity(severity: number): HintSeverity {
  return (["error", "warning", "info", "hint"] as const)[Math.max(0, Math.min(3, severity))];
}

const ABSOLUTE_PATH = /\s(?:in|at|under|of)?\s?(?<![\w.'"])\/(?:[\w.@+-]+\/)*[\w.@+-]+\/?(?=[\s.,;:)]|$)/g;

/**
 * The inline text of one diagnostic: the daemon's headline (`data.headline`, the cause written where it is known)
 * whole when it has at most `whole` characters; otherwise (another source, or a longer one) the message cut at `cut`
 * as the daemon cuts it.
 */
export function hintText(d: DiagnosticLike, cut: number, whole = cut): string {
  const given = givenHeadline(d);
  return given !== undefined && given.length <= whole ? given : headline(d.message, cut);
}

/** The daemon's headline of its diagnostic, if it sent one. */
export function givenHeadline(d: { readonly data?: unknown }): string | undefined {
  const data = d.data;
  const given = typeof data === "object" && data !== null ? (data as { headline?: unknown }).headline : undefined;
  return typeof given === "string" && given.trim() ? given.trim() : undefined;
}

/** The fallback for diagnostics without a headline (the daemon's `advice/store.py` headline): the first sentence,
 * no absolute paths. */
export function headline(message: string, limit = HEADLINE_CHARS): string {
  const text = message.replace(/\s+/g, " ").trim().replace(ABSOLUTE_PATH, "");
  const first = text.split(/(?<=[.!?])\s|;\s|\s[—–]\s/, 1)[0].trim().replace(/\.$/, "");
  return shorten(first, limit);
}

export function shorten(text: string, maxLength: number): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  if (oneLine.length <= maxLength) {
    return oneLine;
  }
  const cut = oneLine.slice(0, maxLength - 1);
  const space = cut.lastIndexOf(" ");
  return `${space > maxLength * 0.6 ? cut.slice(0, space) : cut}…`;
}

export function inlineHints(diagnostics: readonly DiagnosticLike[], maxLength: number): InlineHint[] {
  const byLine = new Map<number, DiagnosticLike[]>();
  for (const d of diagnostics) {
    const line = d.range.start.line;
    const list = byLine.get(line) ?? [];
    list.push(d);
    byLine.set(line, list);
  }
  const hints: InlineHint[] = [];
  for (const [line, list] of [...byLine.entries()].sort((a, b) => a[0] - b[0])) {
    const sorted = [...list].sort((a, b) => a.severity - b.severity);
    const first = sorted[0];
    const more = sorted.length > 1 ? `  (+${sorted.length - 1} more)` : "";
    hints.push({
      line,
      text: `${hintText(first, Math.min(maxLength, INLINE_CHARS) - more.length, Math.min(maxLength, HEADLINE_CHARS) - more.length)}${more}`,
      severity: hintSeverity(first.severity),
      messages: sorted.map((d) => d.message),
    });
  }
  return hints;
}
