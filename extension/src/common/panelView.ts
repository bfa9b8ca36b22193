/**
 * The "LivePair" panel: the conversation transcript and the advice list (each item opens its line; a live fix can
 * be applied from there). A webview fed with the whole (bounded) model on every change.
 */

import * as crypto from "node:crypto";
import * as vscode from "vscode";
import { ADVICE_SOURCE, Commands } from "./constants";
import { ConversationModel } from "./conversationModel";
import type { Daemon } from "./daemon";
import type { Range } from "./protocol";
import type { PairingSession } from "./session";
import { usageText } from "./stateDisplay";
import type { StatusBar } from "./statusBar";

type FromWebview =
  | { type: "ready" }
  | { type: "reveal"; uri: string; range: Range }
  | { type: "applyFix"; id: string }
  | { type: "ask"; text: string }
  | { type: "toggle" };

function toVsRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export class ConversationPanel implements vscode.WebviewViewProvider, vscode.Disposable {
  readonly model = new ConversationModel();
  private view: vscode.WebviewView | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    daemon: Daemon,
    private readonly session: PairingSession,
    private readonly statusBar: StatusBar,
  ) {
    this.disposables.push(
      daemon.onTranscript((t) => {
        this.model.addTranscript(t);
        this.post();
      }),
      daemon.onToolRun((r) => {
        this.model.addToolRun(r);
        this.post();
      }),
      daemon.onAdvice((a) => {
        this.model.addAdvice(a);
        this.refreshStale(a.uri);
        this.post();
      }),
      session.onDidChange(() => this.post()),
      daemon.onPhase(() => this.post()),
      vscode.languages.onDidChangeDiagnostics((e) => {
        const changed = e.uris.map((u) => this.refreshStale(u.toString())).some(Boolean);
        if (changed) {
          this.post();
        }
      }),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const media = vscode.Uri.joinPath(this.extensionUri, "media");
    view.webview.options = { enableScripts: true, localResourceRoots: [media] };
    view.webview.html = this.html(view.webview, media);
    view.webview.onDidReceiveMessage((m: FromWebview) => void this.onMessage(m));
    view.onDidChangeVisibility(() => this.post());
    view.onDidDispose(() => (this.view = undefined));
  }

  clear(): void {
    this.model.clear();
    this.post();
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }

  private refreshStale(uri: string): boolean {
    const live = vscode.languages
      .getDiagnostics(vscode.Uri.parse(uri))
      .filter((d) => d.source === ADVICE_SOURCE)
      .map((d) => d.message);
    return this.model.refreshStale(uri, new Set(live));
  }

  private post(): void {
    if (!this.view?.visible) {
      return;
    }
    const status = this.statusBar.current();
    void this.view.webview.postMessage({
      type: "state",
      status: { label: status.label, tone: status.tone, active: status.active, tooltip: status.tooltip },
      usage: usageText(this.session.status?.usage),
      turns: this.model.turns,
      advice: this.model.advice.map((a) => ({
        ...a,
        where: `${vscode.workspace.asRelativePath(vscode.Uri.parse(a.uri), false)}:${a.range.start.line + 1}`,
      })),
    });
  }

  private async onMessage(m: FromWebview): Promise<void> {
    switch (m.type) {
      case "ready":
        this.post();
        return;
      case "reveal": {
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(m.uri));
        const range = toVsRange(m.range);
        await vscode.window.showTextDocument(doc, { selection: range, preserveFocus: false });
        return;
      }
      case "applyFix": {
        const item = this.model.advice.find((a) => a.id === m.id);
        if (!item?.fix || item.stale) {
          return;
        }
        const edit = new vscode.WorkspaceEdit();
        edit.replace(vscode.Uri.parse(item.uri), toVsRange(item.fix.range), item.fix.newText);
        await vscode.workspace.applyEdit(edit);
        return;
      }
      case "ask":
        await this.session.ask(m.text);
        return;
      case "toggle":
        await vscode.commands.executeCommand(Commands.toggleSession);
        return;
    }
  }

  private html(webview: vscode.Webview, media: vscode.Uri): string {
    const nonce = crypto.randomBytes(16).toString("base64");
    const css = webview.asWebviewUri(vscode.Uri.joinPath(media, "panel.css"));
    const js = webview.asWebviewUri(vscode.Uri.joinPath(media, "panel.js"));
    const csp = `default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';`;
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css}">
<title>LivePair</title>
</head>
<body>
<header>
  <span id="state" class="state" role="status" aria-live="polite">starting</span>
  <button id="toggle" type="button">Pair with senior dev</button>
  <p id="usage" class="usage" hidden></p>
</header>
<main>
  <section aria-labelledby="conversation-title">
    <h2 id="conversation-title">Conversation</h2>
    <p id="no-turns" class="empty">Nothing said yet. Press <em>Pair with senior dev</em>, then run your code or ask a question.</p>
    <ol id="turns"></ol>
  </section>
  <section aria-labelledby="advice-title">
    <h2 id="advice-title">Advice</h2>
    <p id="no-advice" class="empty">No advice yet. It appears here and on the line it is about.</p>
    <ul id="advice"></ul>
  </section>
</main>
<form id="ask">
  <input id="question" type="text" placeholder="Ask the senior dev…" aria-label="Question">
  <button type="submit">Ask</button>
</form>
<script nonce="${nonce}" src="${js}"></script>
</body>
</html>`;
  }
}
