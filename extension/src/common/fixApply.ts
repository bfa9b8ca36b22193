/**
 * Apply a finding's fix from outside the editor (a notification's "Apply fix", a card's button) through the quick
 * fix's own path: the code actions the daemon offers on that line now (checkedFix.ts picks its fix for the finding).
 * A file that had no unsaved changes is saved, so the program the user runs next is the fixed one; unsaved work of
 * theirs is never saved for them. The fixed line is shown.
 */

import * as vscode from "vscode";
import { ADVICE_SOURCE } from "./constants";
import { FIX_GONE, pickCheckedFix, type Offered } from "./checkedFix";
import { log } from "./log";
import type { AdviceParams } from "./protocol";

type Action = Offered & { action: vscode.CodeAction };

export async function applyCheckedFix(advice: AdviceParams): Promise<boolean> {
  if (!advice.fix) {
    return false;
  }
  const uri = vscode.Uri.parse(advice.uri);
  const doc = await vscode.workspace.openTextDocument(uri);
  const line = currentLine(uri, advice);
  const range = doc.lineAt(Math.min(line, doc.lineCount - 1)).range;
  const found =
    (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      "vscode.executeCodeActionProvider",
      uri,
      range,
      vscode.CodeActionKind.QuickFix.value,
    )) ?? [];
  const offered: Action[] = found.filter(isCodeAction).map((action) => ({
    action,
    title: action.title,
    kind: action.kind?.value,
    changes: action.edit?.entries().flatMap(([u, edits]) =>
      edits.map((e) => ({ uri: u.toString(), startLine: e.range.start.line, endLine: e.range.end.line, newText: e.newText })),
    ),
  }));
  const picked = pickCheckedFix(offered, uri.toString(), advice.fix);
  if (!picked?.action.edit) {
    log().info(`apply fix: ${advice.fix.title} is no longer offered on ${uri.fsPath}:${line + 1}`);
    void vscode.window.showWarningMessage(FIX_GONE);
    return false;
  }
  const hadUnsaved = doc.isDirty;
  if (!(await vscode.workspace.applyEdit(picked.action.edit))) {
    void vscode.window.showWarningMessage("LivePair: VS Code did not apply the fix (the file may be read-only).");
    return false;
  }
  if (!hadUnsaved) {
    await doc.save();
  }
  const at = picked.changes?.[0]?.startLine ?? line;
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(at, 0, at, 0), preview: false });
  log().info(`apply fix: ${advice.fix.title} applied to ${uri.fsPath}:${at + 1}${hadUnsaved ? "" : " and saved"}`);
  return true;
}

/** Where the finding is now: its diagnostic follows edits (the daemon moves it), the advice has where it was. */
function currentLine(uri: vscode.Uri, advice: AdviceParams): number {
  for (const d of vscode.languages.getDiagnostics(uri)) {
    const data = (d as { data?: unknown }).data;
    if (d.source === ADVICE_SOURCE && typeof data === "object" && data !== null && (data as { adviceId?: unknown }).adviceId === advice.id) {
      return d.range.start.line;
    }
  }
  return advice.range.start.line;
}

function isCodeAction(x: vscode.CodeAction | vscode.Command): x is vscode.CodeAction {
  return !("command" in x && typeof x.command === "string");
}
