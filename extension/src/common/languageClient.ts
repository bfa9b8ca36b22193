/**
 * The language client for the daemon. The extension owns the `livepair.*` VS Code commands itself (start needs the
 * API key from SecretStorage, explain needs the cursor), so the client must not auto-register the daemon's
 * executeCommand list as VS Code commands: that would clash with ours.
 */

import * as os from "node:os";
import type * as vscode from "vscode";
import {
  CloseAction,
  type CloseHandlerResult,
  ErrorAction,
  type ErrorHandlerResult,
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  type ServerOptions,
  type StaticFeature,
  type DynamicFeature,
} from "vscode-languageclient/node";
import { DAEMON_ARGS, daemonEnvironment } from "./daemonLaunch";
import { CLIENT_INFO, CLIENT_TERMINAL } from "./protocol";
import type { DaemonSettings } from "./settings";

const EXECUTE_COMMAND = "workspace/executeCommand";

class LivePairLanguageClient extends LanguageClient {
  override registerFeature(feature: StaticFeature | DynamicFeature<unknown>): void {
    const method = (feature as Partial<DynamicFeature<unknown>>).registrationType?.method;
    if (method === EXECUTE_COMMAND) {
      return;
    }
    super.registerFeature(feature);
  }

  // The client's own notifications ("couldn't create connection", "Restarting server failed", ...) would repeat
  // what the extension already tells the user with fix-it actions: they go to the log only.
  override error(message: string, data?: unknown): void {
    super.error(message, data, false);
  }

  override warn(message: string, data?: unknown): void {
    super.warn(message, data, false);
  }

  override info(message: string, data?: unknown): void {
    super.info(message, data, false);
  }
}

export interface ClientHooks {
  /** The connection closed unexpectedly: restart it or not. */
  onClosed(): "restart" | "giveUp";
  outputChannel: vscode.OutputChannel;
}

export function createLanguageClient(python: string, settings: DaemonSettings, hooks: ClientHooks): LanguageClient {
  const serverOptions: ServerOptions = {
    command: python,
    // `-I`: isolated, so neither the working directory nor PYTHONPATH can put a module in front of the daemon's own
    // (`-u` stands in for PYTHONUNBUFFERED, which `-I` ignores).
    args: DAEMON_ARGS,
    // No `transport`: plain stdio without the `--stdio` argument vscode-languageclient would otherwise append.
    // The daemon inherits the editor's environment (proxies and SSL_CERT_FILE work as in a shell) minus the API
    // keys: those go in `livepair.start`'s arguments, so no process can read them from /proc/<daemon>/environ.
    options: { cwd: os.tmpdir(), env: daemonEnvironment(process.env) },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file" }, { scheme: "untitled" }],
    // The announcement tells the daemon this editor has the button, the panel, the approval prompt and a terminal
    // for approved commands (livepair/runInTerminal).
    initializationOptions: { ...settings, [CLIENT_INFO]: { name: "vscode", [CLIENT_TERMINAL]: true } },
    // A hint's hover ends with "Tell me more", a link that runs livepair.ask: trusted for that one command only.
    markdown: { isTrusted: { enabledCommands: ["livepair.ask"] } },
    outputChannel: hooks.outputChannel,
    traceOutputChannel: hooks.outputChannel,
    revealOutputChannelOn: RevealOutputChannelOn.Never, // problems are reported with fix-it notifications instead
    errorHandler: {
      error: (_error, _message, count): ErrorHandlerResult => ({
        action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown,
        handled: true,
      }),
      closed: (): CloseHandlerResult =>
        hooks.onClosed() === "restart"
          ? { action: CloseAction.Restart, handled: true }
          : { action: CloseAction.DoNotRestart, handled: true },
    },
  };
  return new LivePairLanguageClient("livepair", "LivePair daemon", serverOptions, clientOptions);
}
