/**
 * Tutor mode in VS Code: switching modes, "Give me a hint" / "Show me the fix" (the daemon's code actions call
 * these with [uri, line]), and the private learning log's recap in the LivePair panel (and as a Markdown preview).
 */

import * as vscode from "vscode";
import type { Daemon } from "./daemon";
import { log } from "./log";
import type { ConversationPanel } from "./panelView";

export const TutorCommands = {
  setMode: "livepair.setMode",
  hint: "livepair.hint",
  showFix: "livepair.showFix",
  whatDidILearn: "livepair.whatDidILearn",
  clearLearningLog: "livepair.clearLearningLog",
} as const;

export type Mode = "pair" | "tutor";

const MODES: ReadonlyArray<vscode.QuickPickItem & { mode: Mode }> = [
  { mode: "pair", label: "Pair", detail: "A senior dev: says what is wrong and offers the fix." },
  {
    mode: "tutor",
    label: "Tutor",
    detail: "I'm learning to code: a guiding question and hints before the fix, with the documentation page.",
  },
];

/** The daemon's target for a hint or the fix: [uri, line] from a code action, or nothing (the latest problem). */
export function hintTarget(uri: unknown, line: unknown): unknown[] {
  return typeof uri === "string" && typeof line === "number" ? [uri, line] : [];
}

/** The recap, read-only: a virtual document (never an unsaved editor to close) shown as a Markdown preview. */
const RECAP_SCHEME = "livepair-recap";
const RECAP_URI = vscode.Uri.from({ scheme: RECAP_SCHEME, path: "/What did I learn.md" });

class RecapDocument implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private markdown = "";

  set(markdown: string): void {
    this.markdown = markdown;
    this.changed.fire(RECAP_URI);
  }

  provideTextDocumentContent(): string {
    return this.markdown;
  }
}

export function registerTutor(daemon: Daemon, panel: ConversationPanel): vscode.Disposable[] {
  const recap = new RecapDocument();
  const register = (id: string, run: (...args: unknown[]) => Promise<unknown>) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        await run(...args);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log().error(`${id}: ${message}`);
        void vscode.window.showErrorMessage(`LivePair: ${message}`);
      }
    });
  return [
    vscode.workspace.registerTextDocumentContentProvider(RECAP_SCHEME, recap),
    register(TutorCommands.setMode, async (arg) => {
      const mode =
        arg === "pair" || arg === "tutor"
          ? arg
          : (await vscode.window.showQuickPick(MODES, { placeHolder: "How should LivePair help?" }))?.mode;
      if (!mode) {
        return;
      }
      // The setting reaches the daemon as workspace/didChangeConfiguration; a running session switches at once.
      await vscode.workspace.getConfiguration("livepair").update("mode", mode, vscode.ConfigurationTarget.Global);
    }),
    register(TutorCommands.hint, (uri, line) => daemon.executeCommand(TutorCommands.hint, hintTarget(uri, line))),
    register(TutorCommands.showFix, (uri, line) =>
      daemon.executeCommand(TutorCommands.showFix, hintTarget(uri, line)),
    ),
    register(TutorCommands.whatDidILearn, async () => {
      const result = await daemon.executeCommand<{ markdown?: string } | null>(TutorCommands.whatDidILearn);
      const markdown = result?.markdown ?? "";
      recap.set(markdown);
      await panel.showRecap(markdown, async () => {
        await vscode.commands.executeCommand("markdown.showPreview", RECAP_URI);
      });
    }),
    register(TutorCommands.clearLearningLog, async () => {
      const yes = "Clear";
      const picked = await vscode.window.showWarningMessage(
        "Clear your learning log? The concepts you met and your progress are deleted from this machine.",
        { modal: true },
        yes,
      );
      if (picked === yes) {
        await daemon.executeCommand(TutorCommands.clearLearningLog);
      }
    }),
  ];
}
