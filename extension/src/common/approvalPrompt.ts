/**
 * Answers livepair/approval: a modal that says exactly what would happen; nothing happens without Allow.
 *
 * livepair/approvalWithdrawn (the model cancelled the call, or nobody answered in time) answers the request at once
 * with a no and says so. VS Code has no API to close a modal message, so the dialog stays until dismissed, but its
 * answer is void: a click after the withdrawal approves nothing and is logged as ignored.
 */

import * as vscode from "vscode";
import { choicesFor, describeApproval, resultFor, Withdrawals } from "./approvalText";
import { log } from "./log";
import type { ApprovalParams, ApprovalResult, ApprovalWithdrawnParams, Range } from "./protocol";

const pending = new Withdrawals();

/** livepair/approvalWithdrawn: void that prompt and tell the user. */
export function withdrawApproval(params: ApprovalWithdrawnParams): void {
  const what = pending.withdraw(params.approvalId);
  if (what !== undefined) {
    log().info(`approval withdrawn (${params.why}): ${what}`);
    void vscode.window.showInformationMessage(
      `LivePair withdrew its request (${params.why}): ${what}. Nothing will run; an answer to that dialog is ignored.`,
    );
  }
}

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
  const modal = vscode.window.showWarningMessage(text.message, { modal: true, detail: text.detail }, ...choicesFor(params));
  const answer = await pending.race(params, modal);
  if (answer.withdrawn) {
    void modal.then((late) => late && log().info(`ignored a late answer (${late.title}) to a withdrawn approval`));
    return { approved: false };
  }
  const result = resultFor(answer.choice);
  log().info(`approval ${result.always ? "given always" : result.approved ? "given" : "refused"}: ${text.message}`);
  return result;
}
