/** The Gemini API key, kept in VS Code's SecretStorage; never in settings, never in the log. */

import * as vscode from "vscode";
import { API_KEY_SECRET } from "./constants";
import { redactor } from "./log";

export function validateApiKey(value: string): string | undefined {
  const key = value.trim();
  if (!key) {
    return "Paste your Gemini API key, or press Escape to cancel.";
  }
  if (/\s/.test(key)) {
    return "An API key has no spaces.";
  }
  if (key.length < 20) {
    return "That looks too short for a Gemini API key.";
  }
  return undefined;
}

export class ApiKeyStore {
  private readonly changed = new vscode.EventEmitter<boolean>();
  readonly onDidChange = this.changed.event;

  /** Secret storage can be slow (in a browser it is a round trip): the key is read once and kept in memory. */
  private cached: Promise<string | undefined> | undefined;

  constructor(private readonly secrets: vscode.SecretStorage) {
    secrets.onDidChange((e) => {
      if (e.key === API_KEY_SECRET) {
        this.cached = undefined;
        void this.get().then((key) => this.changed.fire(!!key));
      }
    });
  }

  get(): Promise<string | undefined> {
    this.cached ??= Promise.resolve(this.secrets.get(API_KEY_SECRET)).then(
      (key) => {
        redactor.add(key);
        return key || undefined;
      },
      () => {
        this.cached = undefined;
        return undefined;
      },
    );
    return this.cached;
  }

  /** Ask for the key (a password box) and store it. Returns whether a key was stored. */
  async prompt(): Promise<boolean> {
    const key = await vscode.window.showInputBox({
      title: "LivePair: Gemini API key",
      prompt: "Stored in VS Code's secret storage and passed to the daemon only when a session starts.",
      placeHolder: "AIza…",
      password: true,
      ignoreFocusOut: true,
      validateInput: validateApiKey,
    });
    if (key === undefined) {
      return false;
    }
    redactor.add(key.trim());
    await this.secrets.store(API_KEY_SECRET, key.trim());
    this.cached = Promise.resolve(key.trim());
    return true;
  }

  async clear(): Promise<void> {
    await this.secrets.delete(API_KEY_SECRET);
    this.cached = Promise.resolve(undefined);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
