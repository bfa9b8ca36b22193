/**
 * The daemon process: which Python runs it, starting and stopping it, restarting it after a crash (a few times,
 * then the user is told), and the livepair/* traffic in both directions.
 */

import * as vscode from "vscode";
import { type LanguageClient, State } from "vscode-languageclient/node";
import { Commands } from "./constants";
import { DAEMON_ARGS, startRunning } from "./daemonLaunch";
import { createLanguageClient } from "./languageClient";
import { log } from "./log";
import { discover, installPrivateDaemon, SetupError } from "./pythonEnvironment";
import { explainDiscoveryFailure } from "./pythonDiscovery";
import { CrashPolicy } from "./crashPolicy";
import type { DaemonPhase } from "./stateDisplay";
import * as protocol from "./protocol";
import { type DaemonSettings, settingsChangedSince } from "./settings";
import { showOnce } from "./notifications";
import { withdrawApproval } from "./approvalPrompt";

export interface DaemonOptions {
  context: vscode.ExtensionContext;
  python(): string;
  settings(): DaemonSettings;
  approve(params: protocol.ApprovalParams): Promise<protocol.ApprovalResult>;
  /** Run an approved command in a visible terminal (livepair/runInTerminal), and kill one (livepair/cancelRun). */
  runInTerminal(params: protocol.RunInTerminalParams): Promise<protocol.RunInTerminalResult>;
  cancelRun(runId: string): void;
}

export class Daemon implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<void> | undefined;
  private readonly crashes = new CrashPolicy();
  private readonly disposables: vscode.Disposable[] = [];
  phase: DaemonPhase = "starting";
  phaseMessage = "";
  /** The interpreter the daemon runs in (once found). */
  python: string | undefined;
  /** When the daemon last answered initialize, for the log and the benchmarks. */
  readyAfterMs: number | undefined;
  /** The current client finished its first start (crashes before that are start failures, not restarts). */
  private connected = false;
  /** A crash restart is under way: the client passing through "stopped" is expected. */
  private expectRestart = false;
  /** The settings the running daemon was last sent (undefined: it has its initializationOptions). */
  private lastSentSettings: DaemonSettings | undefined;

  private readonly phaseChanged = new vscode.EventEmitter<DaemonPhase>();
  private readonly statusReceived = new vscode.EventEmitter<protocol.StatusParams>();
  private readonly transcriptReceived = new vscode.EventEmitter<protocol.TranscriptParams>();
  private readonly sourcesReceived = new vscode.EventEmitter<protocol.SourcesParams>();
  private readonly adviceReceived = new vscode.EventEmitter<protocol.AdviceParams>();
  private readonly toolRunReceived = new vscode.EventEmitter<protocol.ToolRunParams>();
  readonly onPhase = this.phaseChanged.event;
  readonly onStatus = this.statusReceived.event;
  readonly onTranscript = this.transcriptReceived.event;
  readonly onSources = this.sourcesReceived.event;
  readonly onAdvice = this.adviceReceived.event;
  readonly onToolRun = this.toolRunReceived.event;

  constructor(private readonly options: DaemonOptions) {
    this.disposables.push(
      this.phaseChanged,
      this.statusReceived,
      this.transcriptReceived,
      this.adviceReceived,
      this.toolRunReceived,
      this.sourcesReceived,
    );
  }

  get ready(): boolean {
    return this.phase === "ready";
  }

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  /** Find Python and start the daemon; when no Python has it, offer to install it (a notification, not awaited). */
  start(): Promise<void> {
    this.starting ??= this.doStart().finally(() => (this.starting = undefined));
    return this.starting;
  }

  async restart(): Promise<void> {
    this.crashes.reset();
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop(3000);
      } catch (err) {
        log().warn(`stopping the daemon: ${String(err)}`);
      }
    }
    this.setPhase("stopped");
  }

  /** Create the private environment from the bundled wheel, then start the daemon in it. */
  async installAndStart(basePython?: string): Promise<void> {
    try {
      const base = basePython ?? (await discover(this.options.context, this.options.python())).baseForVenv?.command;
      if (!base) {
        throw new SetupError("No Python 3.11+ was found to create the environment with. Install Python or set livepair.python.");
      }
      this.setPhase("starting", "Installing the daemon…");
      await installPrivateDaemon(this.options.context, base);
      void vscode.window.showInformationMessage("LivePair: the daemon is installed. Press 'Pair with senior dev' to start.");
      await this.restart();
    } catch (err) {
      const message = err instanceof SetupError ? err.message : `Setting up the daemon failed: ${String(err)}`;
      log().error(message);
      this.setPhase("needsSetup", message);
      void showOnce("error", message, [
        { title: "Show Log", run: () => vscode.commands.executeCommand(Commands.showLog) },
        { title: "Retry", run: () => vscode.commands.executeCommand(Commands.installDaemon) },
      ]);
    }
  }

  async executeCommand<T>(command: string, args: unknown[] = []): Promise<T> {
    if (!this.client || !this.running) {
      await this.start();
    }
    if (!this.client || !this.running) {
      throw new Error("The LivePair daemon is not running.");
    }
    return this.client.sendRequest<T>("workspace/executeCommand", { command, arguments: args });
  }

  notify(method: string, params: unknown): void {
    if (this.client && this.running) {
      void this.client.sendNotification(method, params).catch((err) => log().warn(`${method}: ${String(err)}`));
    }
  }

  sendSettings(): void {
    const settings = this.options.settings();
    if (this.client && this.running) {
      this.lastSentSettings = settings;
    }
    this.notify("workspace/didChangeConfiguration", { settings: { livepair: settings } });
  }

  dispose(): void {
    void this.stop();
    for (const d of this.disposables) {
      d.dispose();
    }
  }

  private setPhase(phase: DaemonPhase, message = ""): void {
    this.phase = phase;
    this.phaseMessage = message;
    this.phaseChanged.fire(phase);
  }

  private async doStart(): Promise<void> {
    if (this.client && this.client.state !== State.Stopped) {
      return;
    }
    const began = Date.now();
    this.setPhase("starting");
    const discovery = await discover(this.options.context, this.options.python());
    if (!discovery.found) {
      const message = explainDiscoveryFailure(discovery);
      this.setPhase("needsSetup", message);
      this.offerSetup(message, discovery.baseForVenv?.command);
      return;
    }
    this.python = discovery.found.candidate.command;
    const settingMissed = discovery.tried.find((a) => a.candidate.source === "setting" && a.result.kind !== "ok");
    if (settingMissed) {
      void showOnce("warning", `LivePair: livepair.python (${settingMissed.candidate.command}) cannot run the daemon; using ${this.python}.`, []);
    }
    const initial = this.options.settings();
    this.lastSentSettings = undefined;
    const client = createLanguageClient(this.python, initial, {
      outputChannel: log(),
      onClosed: () => (this.client === client && this.connected ? this.onCrash() : "giveUp"),
    });
    this.client = client;
    this.connected = false;
    this.expectRestart = false;
    client.onDidChangeState((e) => {
      if (this.client !== client) {
        return;
      }
      if (e.newState === State.Running) {
        this.expectRestart = false;
        this.catchUpSettings(initial);
        this.setPhase("ready");
      } else if (e.newState === State.Starting) {
        this.lastSentSettings = undefined; // a (re)started daemon has the initial options again
        this.expectRestart = false;
        this.setPhase("starting", this.phaseMessage);
      } else if (this.connected && !this.expectRestart && this.phase !== "failed") {
        this.lost("The LivePair daemon stopped and could not be started again.");
      }
    });
    client.onNotification(protocol.STATUS, (p: protocol.StatusParams) => this.statusReceived.fire(p));
    client.onNotification(protocol.TRANSCRIPT, (p: protocol.TranscriptParams) => this.transcriptReceived.fire(p));
    client.onNotification(protocol.ADVICE, (p: protocol.AdviceParams) => this.adviceReceived.fire(p));
    client.onNotification(protocol.SOURCES, (p: protocol.SourcesParams) => this.sourcesReceived.fire(p));
    client.onRequest(protocol.APPROVAL, (p: protocol.ApprovalParams) => this.options.approve(p));
    client.onNotification(protocol.APPROVAL_WITHDRAWN, (p: protocol.ApprovalWithdrawnParams) => withdrawApproval(p));
    client.onRequest(protocol.RUN_IN_TERMINAL, (p: protocol.RunInTerminalParams) => this.options.runInTerminal(p));
    client.onNotification(protocol.CANCEL_RUN, (p: protocol.CancelRunParams) => this.options.cancelRun(p.runId));
    client.onNotification(protocol.TOOL_RUN, (p: protocol.ToolRunParams) => this.toolRunReceived.fire(p));
    // The daemon's messages go through showOnce so they do not repeat a notification the extension already shows.
    client.onNotification("window/showMessage", (m: { type: number; message: string }) => {
      const kind = m.type === 1 ? "error" : m.type === 2 ? "warning" : "info";
      void showOnce(kind, m.message, [{ title: "Show Log", run: () => vscode.commands.executeCommand(Commands.showLog) }]);
    });
    log().info(`starting the daemon: ${this.python} ${DAEMON_ARGS.join(" ")} (livepair ${discovery.found.result.daemonVersion})`);
    try {
      await startRunning(client);
    } catch (err) {
      if (this.client !== client) {
        return; // stopped or replaced meanwhile
      }
      this.client = undefined;
      void client.stop().catch(() => undefined);
      log().error(`the daemon did not start: ${err instanceof Error ? err.message : String(err)}`);
      this.lost(`The LivePair daemon did not start (${this.python}). The log has its output.`);
      return;
    }
    this.connected = true;
    this.readyAfterMs = Date.now() - began;
    log().info(`daemon ready in ${this.readyAfterMs} ms (${this.python})`);
    this.catchUpSettings(initial);
    this.setPhase("ready");
  }

  /** Settings changed while the daemon started (or since the options a restart reuses): send them, before "ready". */
  private catchUpSettings(initial: DaemonSettings): void {
    if (settingsChangedSince(this.lastSentSettings ?? initial, this.options.settings())) {
      log().info("settings changed while the daemon started: sending them");
      this.sendSettings();
    }
  }

  /** The daemon is gone for good: say so, with the ways out. */
  private lost(message: string): void {
    log().error(message);
    this.setPhase("failed", message);
    void showOnce("error", message, [
      { title: "Show Log", run: () => vscode.commands.executeCommand(Commands.showLog) },
      { title: "Restart", run: () => vscode.commands.executeCommand(Commands.restart) },
      { title: "Reinstall Daemon", run: () => vscode.commands.executeCommand(Commands.installDaemon) },
    ]);
  }

  private onCrash(): "restart" | "giveUp" {
    if (this.crashes.recordCrash() === "restart") {
      log().warn(`the daemon stopped unexpectedly; restarting it (${this.crashes.recentCrashes} of ${this.crashes.maxRestarts})`);
      this.expectRestart = true;
      this.setPhase("starting", "Restarting the daemon after a crash…");
      return "restart";
    }
    this.client = undefined;
    this.lost(`The LivePair daemon stopped unexpectedly ${this.crashes.recentCrashes} times in a few minutes, so it was not restarted again.`);
    return "giveUp";
  }

  private offerSetup(message: string, basePython: string | undefined): void {
    log().warn(message);
    const actions = [
      { title: "Choose Python…", run: () => vscode.commands.executeCommand("workbench.action.openSettings", "livepair.python") },
      { title: "Show Log", run: () => vscode.commands.executeCommand(Commands.showLog) },
    ];
    if (basePython) {
      actions.unshift({ title: "Install", run: () => this.installAndStart(basePython) });
    }
    void showOnce(basePython ? "info" : "error", message, actions);
  }
}
