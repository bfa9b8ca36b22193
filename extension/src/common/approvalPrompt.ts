/** Answers livepair/approval: a modal that says exactly what would happen; nothing happens without Allow. */

import * as vscode from "vscode";
import { ALLOW, DENY, describeApproval } from "./approvalText";
import { log } from "./log";
import type { ApprovalParams, ApprovalResult, Range } from "./protocol";

function relative(uri: string): string {
  try {
    return vscode.workspace.asRelativePath(vscode.Uri.parse(uri), false);
  } catch {
    return uri;
  }
}

function textAt(uri: string, range: Range): string | undefined {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
  if (!doc) {
    return undefined;
  }
  return doc.getText(
    new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character),
  );
}

export async function askApproval(params: ApprovalParams): Promise<ApprovalResult> {
  const text = describeApproval(params, { relative, textAt });
  if ("error" in text) {
    log().error(`denied a malformed approval request: ${text.error}`);
    return { approved: false };
  }
  log().info(`approval asked: ${text.message}`);
  const allow: vscode.MessageItem = { title: ALLOW };
  const deny: vscode.MessageItem = { title: DENY, isCloseAffordance: true };
  const choice = await vscode.window.showWarningMessage(text.message, { modal: true, detail: text.detail }, allow, deny);
  const approved = choice === allow;
  log().info(`approval ${approved ? "given" : "refused"}: ${text.message}`);
  return { approved };
}
