/** The palette commands, wired to the session, the daemon and the key store. */

import * as vscode from "vscode";
import type { ApiKeyStore } from "./apiKey";
import { Commands } from "./constants";
import type { Daemon } from "./daemon";
import { log } from "./log";
import type { ConversationPanel } from "./panelView";
import type { ScreenConsent } from "./screenConsent";
import type { PairingSession } from "./session";

export function registerCommands(
  daemon: Daemon,
  session: PairingSession,
  keys: ApiKeyStore,
  panel: ConversationPanel,
  screen?: ScreenConsent,
): vscode.Disposable[] {
  const register = (id: string, run: (...args: unknown[]) => unknown) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        await run(...args);
      } catch (err) {
        log().error(`${id}: ${err instanceof Error ? err.message : String(err)}`);
        void vscode.window.showErrorMessage(`LivePair: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  return [
    register(Commands.start, () => session.start()),
    register(Commands.stop, () => session.stop()),
    register(Commands.toggleSession, () => session.toggle()),
    register(Commands.toggleMic, () => session.toggleDevice("mic")),
    register(Commands.toggleScreen, () => session.toggleDevice("screen")),
    register(Commands.pushToTalk, () => session.pushToTalk()),
    register(Commands.showSentLog, () => session.showSentLog()),
    register(Commands.retryNow, () => session.retryNow()),
    register(Commands.showAuditLog, () => session.showAuditLog()),
    register(Commands.manageAllowedCommands, () => session.manageAllowedCommands()),
    // Ask opens the panel, where the answer appears (a hover's "Tell me more" passes its question). It opens first,
    // so nothing takes the focus afterwards from the question box or an approval dialog the answer brings.
    register(Commands.ask, async (question) => {
      await panel.reveal();
      await session.ask(typeof question === "string" ? question : undefined);
    }),
    register(Commands.explain, (uri, diagnostic) => session.explain(uri, diagnostic)),
    register(Commands.setApiKey, async () => {
      if (await keys.prompt()) {
        const restart = session.active ? "Restart Session" : undefined;
        const picked = await vscode.window.showInformationMessage(
          "LivePair: API key saved in secret storage.",
          ...(restart ? [restart] : []),
        );
        if (picked === restart && restart) {
          await session.stop();
          await session.start();
        }
      }
    }),
    register(Commands.clearApiKey, async () => {
      await keys.clear();
      void vscode.window.showInformationMessage("LivePair: API key removed from secret storage.");
    }),
    register(Commands.showLog, () => log().show(true)),
    register(Commands.restart, () => daemon.restart()),
    register(Commands.installDaemon, () => daemon.installAndStart()),
    register(Commands.clearConversation, () => panel.clear()),
    register(Commands.chooseScreenSharing, async () => {
      if (!screen) {
        return;
      }
      const why = screen.unavailable();
      if (why !== undefined) {
        void vscode.window.showInformationMessage(`LivePair: ${why}`);
        return;
      }
      const choice = await screen.ask();
      if (session.active) {
        const restart = await vscode.window.showInformationMessage(
          `LivePair: screen sharing is now "${choice}" from the next start.`,
          "Restart Session",
        );
        if (restart) {
          await session.stop();
          await session.start();
        }
      }
    }),
  ];
}
