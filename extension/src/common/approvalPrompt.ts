/**
 * Answers livepair/approval: a prompt in an editor tab that says exactly what would happen; nothing happens without
 * Allow. Deny has the focus; Enter, Escape and closing the tab all say no.
 *
 * livepair/approvalWithdrawn (the model cancelled the call, or nobody answered in time) closes the prompt at once
 * and answers no; a click that reaches a withdrawn prompt approves nothing. A webview panel rather than VS Code's
 * modal because a modal cannot be closed by the extension (approvalPage.ts).
 */

import * as crypto from "node:crypto";
import * as vscode from "vscode";
import { approvalHtml, type Outcome, PromptState, tabTitle } from "./approvalPage";
import { type ApprovalText, choicesFor, resultFor, describeApproval, Withdrawals } from "./approvalText";
import { log } from "./log";
import type { ApprovalParams, ApprovalResult, ApprovalWithdrawnParams, Range } from "./protocol";

const pending = new Withdrawals();
const VIEW_TYPE = "livepair.approval";

/** livepair/approvalWithdrawn: close that prompt and tell the user why it went away. */
export function withdrawApproval(params: ApprovalWithdrawnParams): void {
  const what = pending.withdraw(params.approvalId);
  if (what !== undefined) {
    log().info(`approval withdrawn (${params.why}): ${what}`);
    void vscode.window.showInformationMessage(`LivePair withdrew its request (${params.why}): ${what}. Nothing ran.`);
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

/** The prompt's tab, revealed and focused; `state` settles with the first answer, close or withdrawal. */
function openPrompt(params: ApprovalParams, text: ApprovalText, extensionUri: vscode.Uri): { state: PromptState; close(): void } {
  const choices = choicesFor(params);
  const token = crypto.randomBytes(16).toString("hex");
  const state = new PromptState(choices, token);
  const media = vscode.Uri.joinPath(extensionUri, "media");
  const panel = vscode.window.createWebviewPanel(
    VIEW_TYPE,
    tabTitle(params.kind),
    { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
    { enableScripts: true, enableForms: false, enableCommandUris: false, localResourceRoots: [media] },
  );
  panel.iconPath = vscode.Uri.joinPath(media, "icon.png");
  const webview = panel.webview;
  webview.html = approvalHtml({
    text,
    choices,
    nonce: crypto.randomBytes(16).toString("base64"),
    token,
    cspSource: webview.cspSource,
    script: webview.asWebviewUri(vscode.Uri.joinPath(media, "approval.js")).toString(),
    style: webview.asWebviewUri(vscode.Uri.joinPath(media, "approval.css")).toString(),
  });
  let disposed = false;
  const listener = webview.onDidReceiveMessage((m: unknown) => {
    const did = state.receive(m);
    if (typeof did === "string") {
      log().info(`approval prompt: a message ${did}`);
    }
  });
  panel.onDidDispose(() => {
    disposed = true;
    listener.dispose();
    state.close(); // closing the tab is a no (a no-op once answered or withdrawn)
  });
  const close = (): void => {
    if (!disposed) {
      panel.dispose();
    }
  };
  return { state, close };
}

export async function askApproval(params: ApprovalParams, extensionUri: vscode.Uri): Promise<ApprovalResult> {
  const text = describeApproval(params, { relative, textAt });
  if ("error" in text) {
    log().error(`denied a malformed approval request: ${text.error}`);
    return { approved: false };
  }
  const what = `${text.message}: ${text.parts.runs.split("\n")[0]}`;
  log().info(`approval asked: ${what}`);
  const prompt = openPrompt(params, text, extensionUri);
  let outcome: Outcome;
  try {
    const answer = await pending.race(params, prompt.state.outcome, () => {
      prompt.state.withdraw(); // first: an answer already on its way is ignored
      prompt.close();
    });
    outcome = answer.withdrawn ? { kind: "withdrawn" } : answer.choice;
  } finally {
    prompt.close();
  }
  if (outcome.kind === "withdrawn") {
    return { approved: false };
  }
  const result = resultFor(outcome.kind === "answered" ? outcome.choice : undefined);
  const how = outcome.kind === "closed" ? "refused (prompt closed)" : result.always ? "given always" : result.approved ? "given" : "refused";
  log().info(`approval ${how}: ${what}`);
  return result;
}
