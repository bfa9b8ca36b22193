/** The status bar item: "Pair with senior dev" when idle (with the mode in tutor mode), the live session state while pairing. */

import * as vscode from "vscode";
import { ContextKeys, SETTINGS_SECTION } from "./constants";
import type { Daemon } from "./daemon";
import type { PairingSession } from "./session";
import { describeStatus, type StatusDisplay } from "./stateDisplay";

const BACKGROUNDS: Record<string, vscode.ThemeColor | undefined> = {
  error: new vscode.ThemeColor("statusBarItem.errorBackground"),
  warning: new vscode.ThemeColor("statusBarItem.warningBackground"),
};

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private lastActive: boolean | undefined;
  private lastReady: boolean | undefined;

  constructor(
    private readonly daemon: Daemon,
    private readonly session: PairingSession,
  ) {
    this.item = vscode.window.createStatusBarItem("livepair.status", vscode.StatusBarAlignment.Left, 100);
    this.item.name = "LivePair";
    this.disposables.push(
      this.item,
      daemon.onPhase(() => this.render()),
      session.onDidChange(() => this.render()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SETTINGS_SECTION}.mode`)) {
          this.render();
        }
      }),
    );
    this.render();
    this.item.show();
  }

  current(): StatusDisplay {
    const mode = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<string>("mode");
    return describeStatus(this.daemon.phase, this.session.status, this.daemon.phaseMessage, this.session.screenChoice, mode);
  }

  render(): void {
    const view = this.current();
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.command = view.command;
    this.item.backgroundColor = BACKGROUNDS[view.tone];
    this.item.accessibilityInformation = { label: `LivePair ${view.label}`, role: "button" };
    if (view.active !== this.lastActive) {
      this.lastActive = view.active;
      void vscode.commands.executeCommand("setContext", ContextKeys.sessionActive, view.active);
    }
    const ready = this.daemon.phase === "ready";
    if (ready !== this.lastReady) {
      this.lastReady = ready;
      void vscode.commands.executeCommand("setContext", ContextKeys.daemonReady, ready);
    }
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}
