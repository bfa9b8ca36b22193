/** Answers livepair/approval: a modal that says exactly what would happen; nothing happens without Allow. */

import * as vscode from "vscode";
import { choicesFor, describeApproval, resultFor } from "./approvalText";
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
  const choice = await vscode.window.showWarningMessage(
    text.message,
    { modal: true, detail: text.detail },
    ...choicesFor(params),
  );
  const result = resultFor(choice);
  log().info(`approval ${result.always ? "given always" : result.approved ? "given" : "refused"}: ${text.message}`);
  return result;
}
