/**
 * The pairing session as the user sees it: start/stop (with the API key from SecretStorage), ask, explain,
 * microphone and screen toggles, and the live status from the daemon.
 */

import * as vscode from "vscode";
import type { ApiKeyStore } from "./apiKey";
import { ADVICE_SOURCE, Commands } from "./constants";
import type { Daemon } from "./daemon";
import { environmentApiKey } from "./daemonLaunch";
import { log } from "./log";
import { toDiagnostic } from "./lspConvert";
import { showOnce } from "./notifications";
import { deviceState, errorText, isUnknownCommandError } from "./daemonReplies";
import { DaemonCommands, type StartResult, type StatusParams } from "./protocol";
import { gaveUpRetrying, retryCommand } from "./stateDisplay";
import type { ScreenConsent } from "./screenConsent";
import { isSessionActive } from "./stateDisplay";

const WAIT_FOR_SESSION_MS = 30_000;

export class PairingSession implements vscode.Disposable {
  status: StatusParams | null = null;
  /** What the user allowed the screen to show for this session ("window", "monitor", "off"); undefined: not asked. */
  screenChoice: string | undefined;
  private pressedAt: number | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly daemon: Daemon,
    private readonly keys: ApiKeyStore,
    private readonly flushContext: () => void,
    private readonly screen?: ScreenConsent,
  ) {
    this.disposables.push(
      daemon.onStatus((s) => this.onStatus(s)),
      daemon.onPhase((phase) => {
        if (phase !== "ready") {
          this.status = null; // a restarted daemon has no session
        }
        this.changed.fire();
      }),
    );
  }

  get active(): boolean {
    return this.daemon.ready && isSessionActive(this.status);
  }

  async toggle(): Promise<void> {
    await (this.active ? this.stop() : this.start());
  }

  async start(): Promise<void> {
    if (!this.daemon.ready) {
      await this.daemon.start();
      if (!this.daemon.ready) {
        return; // the daemon has told the user what is wrong, with a fix-it action
      }
    }
    this.flushContext();
    const key = (await this.keys.get()) ?? environmentApiKey(); // the daemon's environment holds no key
    // Only a session with a key can share the screen (the offline advisor sees none): ask only then.
    const screen = key && this.screen ? await this.screen.choose() : undefined;
    this.screenChoice = screen;
    this.pressedAt = Date.now();
    this.onStatus({ state: "connecting", backend: null, message: "Connecting…", usage: null });
    let result: StartResult;
    try {
      const options = { ...(key ? { apiKey: key } : {}), ...(screen ? { screen } : {}) };
      result = await this.daemon.executeCommand<StartResult>(DaemonCommands.start, [options]);
    } catch (err) {
      this.onStatus({ state: "idle", backend: null, message: "", usage: null });
      this.reportError(`Could not start pairing: ${errorText(err)}`);
      return;
    }
    log().info(`pairing: start -> ${result.state}${result.backend ? ` (${result.backend})` : ""}${key ? ", key from secret storage" : ""}`);
    if (result.state === "error") {
      this.reportError(result.message || "The session could not start.");
    }
  }

  async stop(): Promise<void> {
    try {
      await this.daemon.executeCommand(DaemonCommands.stop);
    } catch (err) {
      log().warn(`stop: ${errorText(err)}`);
    }
  }

  async ask(question?: string): Promise<void> {
    const text =
      question ??
      (await vscode.window.showInputBox({
        title: "Ask the senior dev",
        prompt: "Your question goes to the session with what the editor shows (secrets redacted).",
        placeHolder: "Why does f.py fail when I run it?",
        ignoreFocusOut: true,
      }));
    if (!text || !text.trim() || !(await this.ensureActive())) {
      return;
    }
    this.flushContext();
    try {
      await this.daemon.executeCommand(DaemonCommands.ask, [text.trim()]);
    } catch (err) {
      this.reportError(`Could not ask: ${errorText(err)}`);
    }
  }

  /** From the palette: the worst problem under the cursor. From the daemon's code action: `[uri, diagnostic]`. */
  async explain(uri?: unknown, diagnostic?: unknown): Promise<void> {
    let args: unknown[];
    if (typeof uri === "string" && diagnostic && typeof diagnostic === "object") {
      args = [uri, diagnostic];
    } else {
      const target = problemUnderCursor();
      if (typeof target === "string") {
        void vscode.window.showInformationMessage(target);
        return;
      }
      args = target;
    }
    if (!(await this.ensureActive())) {
      return;
    }
    this.flushContext();
    try {
      await this.daemon.executeCommand(DaemonCommands.explain, args);
      vscode.window.setStatusBarMessage("$(lightbulb) LivePair is looking at it — the answer appears on the line.", 5000);
    } catch (err) {
      this.reportError(`Could not explain: ${errorText(err)}`);
    }
  }

  private talking = false;

  /** Push to talk from a key: the first press opens the microphone, the next sends what was said. */
  async pushToTalk(): Promise<void> {
    if (!this.active) {
      void vscode.window.showInformationMessage("LivePair: start pairing first, then push to talk.");
      return;
    }
    const down = !this.talking;
    try {
      await this.daemon.executeCommand(down ? DaemonCommands.pushToTalkStart : DaemonCommands.pushToTalkEnd);
      this.talking = down;
      vscode.window.setStatusBarMessage(down ? "$(record) LivePair: talking… press again to send" : "", down ? 60_000 : 1);
    } catch (err) {
      this.talking = false;
      if (isUnknownCommandError(err)) {
        void vscode.window.showInformationMessage("LivePair: push to talk is not available in this version of the daemon.");
      } else {
        this.reportError(`Push to talk: ${errorText(err)}`);
      }
    }
  }

  /** Reconnect to the model now rather than at the next scheduled attempt (the status shows when that is). */
  async retryNow(): Promise<void> {
    try {
      await this.daemon.executeCommand(DaemonCommands.retryNow);
    } catch (err) {
      if (isUnknownCommandError(err)) {
        void vscode.window.showInformationMessage("LivePair: this version of the daemon cannot reconnect on demand.");
      } else {
        this.reportError(`Reconnect: ${errorText(err)}`);
      }
    }
  }

  /** Open the daemon's local log of everything sent to the model. */
  async showSentLog(): Promise<void> {
    try {
      const result = await this.daemon.executeCommand<{ path?: string } | null>(DaemonCommands.showSentLog);
      if (!result?.path) {
        throw new Error("the daemon did not say where its log is");
      }
      await vscode.window.showTextDocument(vscode.Uri.file(result.path), { preview: true });
    } catch (err) {
      if (isUnknownCommandError(err)) {
        void vscode.window.showInformationMessage("LivePair: this version of the daemon does not keep a log of what it sent.");
      } else {
        this.reportError(`Could not open the log of what was sent: ${errorText(err)}`);
      }
    }
  }

  /** Open the daemon's tool audit log: every tool call, its redacted arguments, the decision, time and size. */
  async showAuditLog(): Promise<void> {
    try {
      const result = await this.daemon.executeCommand<{ path?: string } | null>(DaemonCommands.showAuditLog);
      if (!result?.path) {
        throw new Error("the daemon did not say where its audit log is");
      }
      await vscode.window.showTextDocument(vscode.Uri.file(result.path), { preview: true });
    } catch (err) {
      this.reportError(`Could not open the tool audit log: ${errorText(err)}`);
    }
  }

  /** List the commands always allowed in this workspace; the one picked (or all) is revoked. */
  async manageAllowedCommands(): Promise<void> {
    try {
      type Listed = { commands?: string[]; revoked?: number } | null;
      const listed = await this.daemon.executeCommand<Listed>(DaemonCommands.allowedCommands);
      const commands = listed?.commands ?? [];
      if (commands.length === 0) {
        void vscode.window.showInformationMessage("LivePair: no command is always allowed in this workspace.");
        return;
      }
      const all = "$(trash) Revoke all";
      const picked = await vscode.window.showQuickPick([...commands.map((c) => `$ ${c}`), all], {
        title: "LivePair: commands always allowed in this workspace — pick one to revoke",
      });
      if (picked === undefined) {
        return;
      }
      const revoke = picked === all ? null : picked.slice(2);
      const after = await this.daemon.executeCommand<Listed>(DaemonCommands.allowedCommands, [{ revoke }]);
      void vscode.window.showInformationMessage(
        `LivePair: revoked ${after?.revoked ?? 0}; LivePair asks again before running ${revoke === null ? "them" : "it"}.`,
      );
    } catch (err) {
      this.reportError(`Could not list the always-allowed commands: ${errorText(err)}`);
    }
  }

  async toggleDevice(device: "mic" | "screen"): Promise<void> {
    const command = device === "mic" ? DaemonCommands.toggleMic : DaemonCommands.toggleScreen;
    const what = device === "mic" ? "Microphone" : "Screen sharing";
    try {
      const result = await this.daemon.executeCommand<Record<string, unknown> | null>(command);
      const on = deviceState(result, device);
      vscode.window.setStatusBarMessage(`LivePair: ${what.toLowerCase()}${on}`, 3000);
    } catch (err) {
      if (isUnknownCommandError(err)) {
        void vscode.window.showInformationMessage(`LivePair: ${what} is not available in this version of the daemon yet.`);
      } else {
        this.reportError(`${what}: ${errorText(err)}`);
      }
    }
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }

  private onStatus(s: StatusParams): void {
    const was = this.status;
    this.status = s;
    if (s.state === "error" && (was?.state !== "error" || was.message !== s.message)) {
      this.reportError(s.message || "The session stopped with an error.");
    }
    if (gaveUpRetrying(s) && !gaveUpRetrying(was)) {
      this.reportGaveUp(s.message);
    }
    if (s.state === "listening" && this.pressedAt !== undefined) {
      log().info(`pairing: listening ${Date.now() - this.pressedAt} ms after start was pressed`);
      this.pressedAt = undefined;
    }
    this.changed.fire();
  }

  private reportError(message: string): void {
    log().error(message);
    const actions = [];
    if (/api key|GEMINI_API_KEY|1008|not valid/i.test(message)) {
      actions.push({ title: "Set Gemini API key", run: () => vscode.commands.executeCommand(Commands.setApiKey) });
    }
    actions.push(
      { title: "Show Log", run: () => vscode.commands.executeCommand(Commands.showLog) },
      { title: "Retry", run: () => vscode.commands.executeCommand(retryCommand(this.status)) },
    );
    void showOnce("error", message, actions);
  }

  /** The daemon stopped reconnecting after failures in a row; the session is kept, so Retry reconnects it. */
  private reportGaveUp(message: string): void {
    log().warn(message);
    void showOnce("warning", message, [
      { title: "Retry", run: () => vscode.commands.executeCommand(Commands.retryNow) },
      { title: "Show Log", run: () => vscode.commands.executeCommand(Commands.showLog) },
    ]);
  }

  /** Start a session if none runs, and wait until it is connected (or failed). */
  private async ensureActive(): Promise<boolean> {
    const connected = () => ["listening", "thinking", "speaking"].includes(this.status?.state ?? "");
    if (!this.active) {
      await this.start();
      if (!this.active) {
        return false;
      }
    }
    if (connected()) {
      return true;
    }
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        sub.dispose();
        resolve(ok);
      };
      const timer = setTimeout(() => done(false), WAIT_FOR_SESSION_MS);
      const sub = this.onDidChange(() => {
        if (connected()) {
          done(true);
        } else if (!this.active) {
          done(false);
        }
      });
    });
  }
}

/** `[uri, diagnostic]` for the worst non-LivePair problem at the cursor, or a sentence saying why there is none. */
function problemUnderCursor(): [string, unknown] | string {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return "LivePair: open a file and put the cursor on a problem to explain it.";
  }
  const line = editor.selection.active.line;
  const here = vscode.languages
    .getDiagnostics(editor.document.uri)
    .filter((d) => d.range.start.line <= line && line <= d.range.end.line);
  const theirs = here.filter((d) => d.source !== ADVICE_SOURCE).sort((a, b) => a.severity - b.severity);
  if (theirs.length === 0) {
    const ours = here.find((d) => d.source === ADVICE_SOURCE);
    return ours ? `LivePair already said: ${ours.message}` : `LivePair: there is no problem on line ${line + 1}.`;
  }
  return [editor.document.uri.toString(), toDiagnostic(theirs[0])];
}
