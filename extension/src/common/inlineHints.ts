/**
 * LivePair diagnostics -> one inline hint per line (Error Lens style): the most severe advice on the line, with a
 * count when there are more, shortened to fit. Pure.
 */

import type { DiagnosticLike } from "./lspConvert";

export type HintSeverity = "warning" | "info" | "hint";

export interface InlineHint {
  line: number;
  text: string;
  severity: HintSeverity;
  /** The full messages, for the decoration's hover. */
  messages: string[];
}

/** vscode.DiagnosticSeverity (Error 0 .. Hint 3) -> the hint's colour class; errors are shown as warnings. */
export function hintSeverity(severity: number): HintSeverity {
  if (severity <= 1) {
    return "warning";
  }
  return severity === 2 ? "info" : "hint";
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
      text: `LivePair: ${shorten(first.message, maxLength - more.length)}${more}`,
      severity: hintSeverity(first.severity),
      messages: sorted.map((d) => d.message),
    });
  }
  return hints;
}
