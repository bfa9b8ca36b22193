/**
 * The extension's log: a LogOutputChannel ("LivePair") behind a redacting wrapper. The language client writes the
 * daemon's stderr and messages through the same wrapper, so no path to the log bypasses the redaction.
 */

import * as vscode from "vscode";
import { EXTENSION_NAME } from "./constants";
import { SecretRedactor } from "./redact";

export const redactor = new SecretRedactor();

export class RedactingLogChannel implements vscode.LogOutputChannel {
  readonly name: string;

  constructor(private readonly inner: vscode.LogOutputChannel) {
    this.name = inner.name;
  }

  get logLevel(): vscode.LogLevel {
    return this.inner.logLevel;
  }

  get onDidChangeLogLevel(): vscode.Event<vscode.LogLevel> {
    return this.inner.onDidChangeLogLevel;
  }

  trace(message: string, ...args: unknown[]): void {
    this.inner.trace(redactor.redact(message), ...args.map(clean));
  }
  debug(message: string, ...args: unknown[]): void {
    this.inner.debug(redactor.redact(message), ...args.map(clean));
  }
  info(message: string, ...args: unknown[]): void {
    this.inner.info(redactor.redact(message), ...args.map(clean));
  }
  warn(message: string, ...args: unknown[]): void {
    this.inner.warn(redactor.redact(message), ...args.map(clean));
  }
  error(error: string | Error, ...args: unknown[]): void {
    const text = typeof error === "string" ? error : `${error.message}${error.stack ? `\n${error.stack}` : ""}`;
    this.inner.error(redactor.redact(text), ...args.map(clean));
  }
  append(value: string): void {
    // A log channel makes every append an entry of its own: drop the daemon's trailing newline (no blank entries).
    this.inner.append(redactor.redact(value.replace(/\r?\n$/, "")));
  }
  appendLine(value: string): void {
    this.inner.appendLine(redactor.redact(value));
  }
  replace(value: string): void {
    this.inner.replace(redactor.redact(value));
  }
  clear(): void {
    this.inner.clear();
  }
  show(columnOrPreserve?: vscode.ViewColumn | boolean, preserveFocus?: boolean): void {
    if (typeof columnOrPreserve === "boolean" || columnOrPreserve === undefined) {
      this.inner.show(columnOrPreserve);
    } else {
      this.inner.show(columnOrPreserve, preserveFocus);
    }
  }
  hide(): void {
    this.inner.hide();
  }
  dispose(): void {
    this.inner.dispose();
  }
}

function clean(arg: unknown): unknown {
  if (typeof arg === "string") {
    return redactor.redact(arg);
  }
  if (arg instanceof Error) {
    return redactor.redact(arg.message);
  }
  try {
    return redactor.redact(JSON.stringify(arg));
  } catch {
    return String(arg);
  }
}

let channel: RedactingLogChannel | undefined;

export function createLog(): RedactingLogChannel {
  channel = new RedactingLogChannel(vscode.window.createOutputChannel(EXTENSION_NAME, { log: true }));
  return channel;
}

export function log(): RedactingLogChannel {
  if (!channel) {
    throw new Error("LivePair log used before activation");
  }
  return channel;
}
