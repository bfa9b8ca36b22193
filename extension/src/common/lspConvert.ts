/**
 * VS Code objects -> LSP JSON for the livepair/* notifications. Structural types keep this free of the `vscode`
 * module so it is unit-tested directly.
 */

import type { Diagnostic, Range } from "./protocol";

export interface PositionLike {
  readonly line: number;
  readonly character: number;
}

export interface RangeLike {
  readonly start: PositionLike;
  readonly end: PositionLike;
}

export interface DiagnosticLike {
  readonly range: RangeLike;
  readonly message: string;
  /** vscode.DiagnosticSeverity: Error 0, Warning 1, Information 2, Hint 3. */
  readonly severity: number;
  readonly source?: string;
  readonly code?: string | number | { readonly value: string | number };
  readonly tags?: readonly number[];
  /** What the server attached (vscode-languageclient keeps LSP `data`): LivePair's has `headline`. */
  readonly data?: unknown;
}

export function toRange(range: RangeLike): Range {
  return {
    start: { line: range.start.line, character: range.start.character },
    end: { line: range.end.line, character: range.end.character },
  };
}

/** VS Code severities are 0-based (Error = 0); LSP's are 1-based (Error = 1). */
export function toLspSeverity(severity: number): 1 | 2 | 3 | 4 {
  const lsp = severity + 1;
  return lsp >= 1 && lsp <= 4 ? (lsp as 1 | 2 | 3 | 4) : 1;
}

export function toDiagnostic(d: DiagnosticLike): Diagnostic {
  const out: Diagnostic = { range: toRange(d.range), message: d.message, severity: toLspSeverity(d.severity) };
  if (d.source) {
    out.source = d.source;
  }
  const code = typeof d.code === "object" && d.code !== null ? d.code.value : d.code;
  if (code !== undefined && code !== "") {
    out.code = code;
  }
  if (d.tags && d.tags.length > 0) {
    out.tags = [...d.tags];
  }
  return out;
}

/**
 * Every diagnostic of a document except LivePair's own (the daemon already knows its advice), capped so one
 * generated file with thousands of problems cannot flood the pipe; the most severe come first.
 */
export function diagnosticsToForward(all: readonly DiagnosticLike[], ownSource: string, limit = 1000): Diagnostic[] {
  return all
    .filter((d) => d.source !== ownSource)
    .map(toDiagnostic)
    .sort((a, b) => (a.severity ?? 1) - (b.severity ?? 1) || a.range.start.line - b.range.start.line)
    .slice(0, limit);
}
