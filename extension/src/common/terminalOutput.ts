/**
 * Terminal output for the daemon: strip escape sequences (colours, cursor moves, shell-integration marks), resolve
 * carriage-return redraws (progress bars), and keep only the tail.
 */

import { MAX_TERMINAL_OUTPUT } from "./protocol";

export const TRUNCATION_MARK = "[… earlier output omitted …]\n";

// OSC: ESC ] ... (BEL | ESC \) — shell integration (633), titles, hyperlinks.
const OSC = /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;
// CSI: ESC [ params intermediates final; also 8-bit CSI.
const CSI = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]/g;
// Other two-character escapes (charset selection, keypad modes, ...).
const ESC2 = /\u001b[()][0-9A-Za-z]|\u001b[=>78DEHMNOc]/g;
// C0 controls other than tab and newline (carriage return is handled line by line).
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001a\u001c-\u001f\u007f]/g;

export function stripAnsi(text: string): string {
  return text.replace(OSC, "").replace(CSI, "").replace(ESC2, "").replace(CONTROL, "");
}

/** "50%\r100%\n" shows as "100%": keep what is left visible after each carriage return. */
export function resolveCarriageReturns(text: string): string {
  return text
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((line) => {
      const parts = line.split("\r").filter((p) => p.length > 0);
      return parts.length > 0 ? parts[parts.length - 1] : "";
    })
    .join("\n");
}

export function cleanTerminalOutput(raw: string): string {
  return resolveCarriageReturns(stripAnsi(raw));
}

/** The last `limit` characters, starting at a line boundary when one is near, marked as truncated. */
export function tail(text: string, limit: number = MAX_TERMINAL_OUTPUT): string {
  if (text.length <= limit) {
    return text;
  }
  const budget = limit - TRUNCATION_MARK.length;
  let cut = text.slice(text.length - budget);
  const newline = cut.indexOf("\n");
  if (newline >= 0 && newline < 1024) {
    cut = cut.slice(newline + 1);
  }
  return TRUNCATION_MARK + cut;
}

/**
 * Collects a command's raw output while it runs, with bounded memory: the raw buffer is trimmed to a few times
 * the limit (escape sequences take room too), and `text()` gives the cleaned, capped tail.
 */
export class TerminalOutputBuffer {
  private raw = "";
  private dropped = false;

  constructor(private readonly limit: number = MAX_TERMINAL_OUTPUT) {}

  append(chunk: string): void {
    this.raw += chunk;
    const keep = this.limit * 4;
    if (this.raw.length > keep * 2) {
      this.raw = this.raw.slice(this.raw.length - keep);
      this.dropped = true;
    }
  }

  text(): string {
    let cleaned = cleanTerminalOutput(this.raw);
    if (!this.dropped) {
      return tail(cleaned, this.limit);
    }
    const newline = cleaned.indexOf("\n");
    if (newline >= 0) {
      cleaned = cleaned.slice(newline + 1); // the first line may have been cut mid-sequence
    }
    const capped = tail(cleaned, this.limit - TRUNCATION_MARK.length);
    return capped.startsWith(TRUNCATION_MARK) ? capped : TRUNCATION_MARK + capped;
  }
}
