/**
 * LivePair: pair with a senior dev. Activation wires the pieces together and starts the daemon in the background;
 * everything the user sees is live before the daemon answers.
 */

import * as vscode from "vscode";
import { askApproval } from "./common/approvalPrompt";
import { ApiKeyStore } from "./common/apiKey";
import { registerCommands } from "./common/commands";
import { ScreenConsent, screenUnavailable } from "./common/screenConsent";
import { SETTINGS_SECTION, Views } from "./common/constants";
import { ContextForwarders } from "./common/contextForwarders";
import { Daemon } from "./common/daemon";
import { InlineDecorations } from "./common/inlineDecorations";
import { createLog, log } from "./common/log";
import { ConversationPanel } from "./common/panelView";
import { PairingSession } from "./common/session";
import { daemonSettings, extensionSettings, settingsImpact } from "./common/settings";
import { StatusBar } from "./common/statusBar";
import { registerTutor } from "./common/tutor";
import { FailedRunLinks, type RunLink } from "./common/terminalLinks";
import { TerminalRunner } from "./common/terminalRunner";

let daemon: Daemon | undefined;

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SETTINGS_SECTION);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const began = performance.now();
  const channel = createLog();
  context.subscriptions.push(channel);
  const version = (context.extension.packageJSON as { version?: string }).version ?? "?";
  log().info(`LivePair ${version} activating (VS Code ${vscode.version})`);

  const keys = new ApiKeyStore(context.secrets);
  const terminals = new TerminalRunner();
  context.subscriptions.push(terminals);
  daemon = new Daemon({
    context,
    python: () => extensionSettings((k) => config().get(k)).python,
    settings: () => daemonSettings((k) => config().get(k)),
    approve: (params) => askApproval(params, context.extensionUri),
    runInTerminal: (p) => terminals.run(p),
    cancelRun: (runId) => terminals.cancel(runId),
  });
  const forwarders = new ContextForwarders(
    (method, params) => daemon?.notify(method, params),
    () => extensionSettings((k) => config().get(k)).shareTerminalOutput,
  );
  const screen = new ScreenConsent(
    context.workspaceState,
    (items) =>
      vscode.window.showQuickPick(items, {
        title: "LivePair: share your screen with the senior dev?",
        placeHolder: "The answer is remembered for this workspace (LivePair: Choose screen sharing changes it)",
        ignoreFocusOut: true,
      }),
    () => config().get<string>("screenShare") ?? "ask",
    () => screenUnavailable(process.platform, process.env),
  );
  const session = new PairingSession(daemon, keys, () => forwarders.flush(), screen);
  const statusBar = new StatusBar(daemon, session);
  const panel = new ConversationPanel(context.extensionUri, daemon, session, statusBar);
  const decorations = new InlineDecorations(() => {
    const s = extensionSettings((k) => config().get(k));
    return { enabled: s.inlineHints, maxLength: s.inlineHintMaxLength };
  });

  context.subscriptions.push(
    keys,
    daemon,
    forwarders,
    session,
    statusBar,
    panel,
    decorations,
    vscode.window.registerWebviewViewProvider(Views.conversation, panel),
    ...registerCommands(daemon, session, keys, panel, screen),
    ...registerTutor(daemon, panel),
    ...terminalAdviceLinks(daemon, panel),
    // A run refused because it could not be contained (no sandbox here) is told to the user, not only to the model.
    daemon.onToolRun((run) => {
      if (run.outcome === "refused") {
        void vscode.window.showWarningMessage(`LivePair: the senior dev's ${run.tool} was not run. ${run.output}`);
      }
    }),
    daemon.onPhase((phase) => {
      if (phase === "ready") {
        forwarders.resync();
      }
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SETTINGS_SECTION}.inlineHints`)) {
        decorations.refresh();
      }
      const impact = settingsImpact((key) => e.affectsConfiguration(`${SETTINGS_SECTION}.${key}`));
      void applySettingsChange(impact, session);
    }),
  );

  openWalkthroughOnce(context);
  // The daemon starts in the background and the key is read ahead: activation returns at once.
  void daemon.start();
  void keys.get();
  log().info(`activated in ${(performance.now() - began).toFixed(1)} ms`);
}

/** The failed command in the terminal links to LivePair's advice on it (terminalLinks.ts). */
function terminalAdviceLinks(source: Daemon, panel: ConversationPanel): vscode.Disposable[] {
  const links = new FailedRunLinks();
  type Link = vscode.TerminalLink & { advice: RunLink["advice"] };
  const provider: vscode.TerminalLinkProvider<Link> = {
    provideTerminalLinks: (context) =>
      links.links(context.line).map((l) => ({ startIndex: l.start, length: l.length, tooltip: l.tooltip, advice: l.advice })),
    handleTerminalLink: async (link) => {
      if (!link.advice) {
        await panel.reveal();
        return;
      }
      const r = link.advice.range;
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(link.advice.uri));
      const range = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
      await vscode.window.showTextDocument(doc, { selection: range });
    },
  };
  return [
    vscode.window.onDidEndTerminalShellExecution((e) => links.runEnded(e.execution.commandLine.value, e.exitCode)),
    source.onAdvice((a) => links.advice(a)),
    source.onTranscript((t) => {
      if (t.role === "model" && t.final) {
        links.replied();
      }
    }),
    vscode.window.registerTerminalLinkProvider(provider),
  ];
}

const WALKTHROUGH = "livepair.gettingStarted";
const WALKTHROUGH_SHOWN = "livepair.walkthroughShown";

/** The first run opens the walkthrough (key first), once per profile, where VS Code's setting allows it. */
function openWalkthroughOnce(context: vscode.ExtensionContext): void {
  const allowed = vscode.workspace.getConfiguration("workbench.welcomePage").get<boolean>("walkthroughs.openOnInstall", true);
  if (!allowed || context.globalState.get<boolean>(WALKTHROUGH_SHOWN)) {
    return;
  }
  void context.globalState.update(WALKTHROUGH_SHOWN, true);
  void vscode.commands.executeCommand("workbench.action.openWalkthrough", `${context.extension.id}#${WALKTHROUGH}`, false);
}

async function applySettingsChange(impact: ReturnType<typeof settingsImpact>, session: PairingSession): Promise<void> {
  if (!daemon || impact === "none") {
    return;
  }
  if (impact === "restartDaemon") {
    log().info("settings: the Python changed; restarting the daemon");
    await daemon.restart();
    return;
  }
  daemon.sendSettings();
  if (impact === "notifyDaemonNewSession" && session.active) {
    const picked = await vscode.window.showInformationMessage(
      "LivePair: the new settings apply when the session restarts.",
      "Restart Session",
    );
    if (picked === "Restart Session") {
      await session.stop();
      await session.start();
    }
  }
}

export async function deactivate(): Promise<void> {
  await daemon?.stop();
  daemon = undefined;
}
