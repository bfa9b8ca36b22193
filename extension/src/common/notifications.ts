/**
 * Notifications with fix-it actions, shown once: the same text within a few seconds is dropped (the daemon's own
 * showMessage and the extension's richer notification often say the same thing).
 */

import * as vscode from "vscode";

export interface Action {
  title: string;
  run(): unknown;
}

const recent = new Map<string, number>();
const WINDOW_MS = 5000;

export function seenRecently(message: string, now = Date.now()): boolean {
  for (const [text, at] of recent) {
    if (now - at > WINDOW_MS) {
      recent.delete(text);
    }
  }
  if (recent.has(message)) {
    return true;
  }
  recent.set(message, now);
  return false;
}

export async function showOnce(kind: "info" | "warning" | "error", message: string, actions: Action[]): Promise<void> {
  if (seenRecently(message)) {
    return;
  }
  const show =
    kind === "error"
      ? vscode.window.showErrorMessage
      : kind === "warning"
        ? vscode.window.showWarningMessage
        : vscode.window.showInformationMessage;
  const picked = await show(message, ...actions.map((a) => a.title));
  await actions.find((a) => a.title === picked)?.run();
}
