/**
 * "Apply fix" outside the editor (a notification, a card in the panel) goes the quick fix's way: the daemon is asked
 * for the code actions on the finding's line now, and only its own quick fix for that finding is applied — the edit
 * the daemon checked (advice/verify.py) and still offers. A line that changed since has no fix any more, so nothing
 * stale or unchecked is ever applied. Pure: the extension maps VS Code's code actions to `Offered`.
 */

import type { Fix } from "./protocol";

export const QUICK_FIX_KIND = "quickfix";

export interface OfferedChange {
  uri: string;
  startLine: number;
  endLine: number;
  newText: string;
}

export interface Offered {
  title: string;
  kind: string | undefined;
  /** The edit's changes; undefined for an action that runs a command instead (never applied from here). */
  changes: OfferedChange[] | undefined;
}

/** The daemon's quick fix for this finding among what is offered on its line, or undefined when it is gone. */
export function pickCheckedFix<T extends Offered>(offered: readonly T[], uri: string, fix: Fix): T | undefined {
  const lines = fix.range.end.line - fix.range.start.line;
  return offered.find(
    (o) =>
      o.title === fix.title &&
      (o.kind === QUICK_FIX_KIND || (o.kind?.startsWith(`${QUICK_FIX_KIND}.`) ?? false)) &&
      o.changes !== undefined &&
      o.changes.length === 1 &&
      o.changes[0].uri === uri &&
      o.changes[0].newText === fix.newText &&
      o.changes[0].endLine - o.changes[0].startLine === lines,
  );
}

export const FIX_GONE =
  "LivePair: that fix no longer applies — the line changed since it was checked. Run the program again for a fresh hint.";
