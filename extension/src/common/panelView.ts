/**
 * The "LivePair" panel: the conversation transcript and the advice, one card per finding (each opens its line; a
 * live fix can be applied from there; cards whose hint is gone under "Earlier"), and the tutor's recap ("What did I
 * learn?"). A webview fed with the whole (bounded) model on every change. Advice out of view goes to a notification
 * while the panel is out of view.
 */

import * as crypto from "node:crypto";
import * as vscode from "vscode";
import { type Notice, UnplacedAdvice } from "./adviceNotice";
import { ADVICE_SOURCE, Commands, Views } from "./constants";
import { ConversationModel, type LiveHint, type Turn } from "./conversationModel";
import { headline } from "./inlineHints";
import type { Daemon } from "./daemon";
import { applyCheckedFix } from "./fixApply";
import type { AdviceParams, Range } from "./protocol";
import { parseRecap, type RecapBlock, recapLinks } from "./recap";
import type { PairingSession } from "./session";
import { costLine, screenLine } from "./stateDisplay";
import type { StatusBar } from "./statusBar";

type FromWebview =
  | { type: "ready" }
  | { type: "reveal"; uri: string; range: Range }
  | { type: "applyFix"; id: string }
  | { type: "ask"; text: string }
  | { type: "openSource"; uri: string }
  | { type: "recapMarkdown" }
  | { type: "closeRecap" }
  | { type: "toggle" };

function toVsRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export class ConversationPanel implements vscode.WebviewViewProvider, vscode.Disposable {
  readonly model = new ConversationModel();
  private view: vscode.WebviewView | undefined;
  private recap: { id: number; blocks: RecapBlock[]; links: Set<string>; openMarkdown: () => Promise<void> } | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly unplaced = new UnplacedAdvice(
    (notice) => void this.notifyUnplaced(notice),
    Date.now,
    undefined,
    inView,
  );

  constructor(
    private readonly extensionUri: vscode.Uri,
    daemon: Daemon,
    private readonly session: PairingSession,
    private readonly statusBar: StatusBar,
  ) {
    this.disposables.push(
      daemon.onTranscript((t) => {
        this.model.addTranscript(t);
        this.unplaced.transcript(t);
        this.post();
      }),
      daemon.onToolRun((r) => {
        this.model.addToolRun(r);
        this.post();
      }),
      daemon.onSources((s) => {
        this.model.addSources(s);
        this.post();
      }),
      daemon.onAdvice((a) => {
        this.unplaced.advice(a);
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

  /**
   * Open the panel and bring its newest entry into view (Ask, "Show" on a notification), leaving the keyboard focus
   * where it is once the view exists (a question box or an approval dialog keeps it).
   */
  async reveal(): Promise<void> {
    if (this.view) {
      this.view.show(true);
    } else {
      await vscode.commands.executeCommand(`${Views.conversation}.focus`);
    }
    this.post(true);
  }

  /** Advice out of view: "Show" (the panel, or the finding's line) and, for a checked fix, "Apply fix". */
  /** The learning log's recap at the top of the panel, opened and scrolled to; "Open as Markdown" opens the rest. */
  async showRecap(markdown: string, openMarkdown: () => Promise<void>): Promise<void> {
    const blocks = parseRecap(markdown);
    // A new id each time: the webview scrolls to a recap it has not shown yet, whenever its state first arrives.
    this.recap = { id: (this.recap?.id ?? 0) + 1, blocks, links: recapLinks(blocks), openMarkdown };
    await this.reveal();
  }

  private async notifyUnplaced(notice: Notice): Promise<void> {
    if (this.view?.visible) {
      return; // in view already
    }
    const a = notice.advice;
    const actions = a?.fix ? ["Show", APPLY_FIX] : ["Show"];
    const picked = await vscode.window.showInformationMessage(`LivePair: ${a ? findingText(a) : notice.text}`, ...actions);
    if (picked === APPLY_FIX && a) {
      await applyCheckedFix(a);
    } else if (picked === "Show" && a) {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(a.uri));
      await vscode.window.showTextDocument(doc, { selection: toVsRange(a.range), preview: false });
    } else if (picked === "Show") {
      await this.reveal();
    }
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }

  private refreshStale(uri: string): boolean {
    const live: LiveHint[] = vscode.languages
      .getDiagnostics(vscode.Uri.parse(uri))
      .filter((d) => d.source === ADVICE_SOURCE)
      .map((d) => ({ id: adviceId(d), message: d.message, line: d.range.start.line }));
    return this.model.refreshStale(uri, live);
  }

  private post(scroll = false): void {
    if (!this.view?.visible) {
      return;
    }
    const status = this.statusBar.current();
    const where = (a: { uri: string; range: Range }) =>
      `${vscode.workspace.asRelativePath(vscode.Uri.parse(a.uri), false)}:${a.range.start.line + 1}`;
    const card = (a: (typeof this.model.advice)[number]) => ({ ...a, headline: titleOf(a), where: where(a) });
    void this.view.webview.postMessage({
      type: "state",
      scroll,
      status: { label: status.label, tone: status.tone, active: status.active, tooltip: status.tooltip },
      screen: screenLine(this.session.status, this.session.screenChoice),
      usage: costLine(this.session.status),
      turns: this.model.turns.map((t) => this.asSaid(t, where)),
      advice: this.model.current.map(card),
      earlier: this.model.earlier.map(card),
      recap: this.recap ? { id: this.recap.id, blocks: this.recap.blocks } : null,
    });
  }

  /** A reply that only says a card's advice is shown as a pointer to that card, not a second copy of it. */
  private asSaid(t: Turn, where: (a: { uri: string; range: Range }) => string): Turn {
    const same = t.role === "model" ? this.model.advice.find((a) => a.message.trim() === t.text.trim()) : undefined;
    return same ? { ...t, text: `${titleOf(same)} (advice on ${where(same)})` } : t;
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
        await applyCheckedFix(item); // the quick fix's path: only the edit the daemon checked and still offers
        return;
      }
      case "ask":
        this.post(true);
        await this.session.ask(m.text);
        return;
      case "openSource":
        if (this.model.isSource(m.uri) || this.recap?.links.has(m.uri)) {
          await vscode.env.openExternal(vscode.Uri.parse(m.uri, true));
        }
        return;
      case "recapMarkdown":
        await this.recap?.openMarkdown();
        return;
      case "closeRecap":
        this.recap = undefined;
        this.post();
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
  <p id="screen" class="usage"></p>
  <p id="usage" class="usage"></p>
</header>
<main>
  <section id="recap-box" aria-labelledby="recap-title" hidden>
    <h2 id="recap-title">What did I learn?</h2>
    <div id="recap"></div>
    <p class="recap-actions">
      <button id="recap-markdown" type="button" class="secondary">Open as Markdown</button>
      <button id="recap-close" type="button" class="secondary">Close</button>
    </p>
  </section>
  <section aria-labelledby="conversation-title">
    <h2 id="conversation-title">Conversation</h2>
    <p id="no-turns" class="empty">Nothing said yet. Press <em>Pair with senior dev</em>, then run your code or ask a question.</p>
    <ol id="turns"></ol>
  </section>
  <section aria-labelledby="advice-title">
    <h2 id="advice-title">Advice</h2>
    <p id="no-advice" class="empty">No advice yet. It appears here and on the line it is about.</p>
    <ul id="advice"></ul>
    <details id="earlier-box" hidden>
      <summary id="earlier-title">Earlier</summary>
      <ul id="earlier"></ul>
    </details>
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

const APPLY_FIX = "Apply fix";

/** A finding in a notification: the cause, where, and what its fix does (the line's hover has the rest). */
function findingText(a: AdviceParams): string {
  const where = `${vscode.workspace.asRelativePath(vscode.Uri.parse(a.uri), false)}:${a.range.start.line + 1}`;
  const fix = a.fix ? ` Fix: ${a.fix.title.replace(/^LivePair:\s*/, "")}` : "";
  return `${titleOf(a)} (${where}).${fix}`;
}

/** A finding's headline: the daemon's (the cause, whole), or the message's cut when it sent none. */
function titleOf(a: { message: string; headline?: string }): string {
  return a.headline?.trim() || headline(a.message);
}

/** Whether a finding's line is on screen in an editor (then its hint is where the user looks). */
function inView(a: AdviceParams): boolean {
  const line = a.range.start.line;
  return vscode.window.visibleTextEditors.some(
    (e) =>
      e.document.uri.toString() === vscode.Uri.parse(a.uri).toString() &&
      e.visibleRanges.some((r) => r.start.line <= line && line <= r.end.line),
  );
}

/** The daemon's advice id, which vscode-languageclient keeps on the diagnostics it converts (`data`). */
function adviceId(d: vscode.Diagnostic): string | undefined {
  const data = (d as { data?: unknown }).data;
  if (typeof data === "object" && data !== null && "adviceId" in data) {
    const id = (data as { adviceId: unknown }).adviceId;
    return typeof id === "string" ? id : undefined;
  }
  return undefined;
}
