/**
 * What the LivePair panel shows: the conversation (merging streamed transcript chunks into turns) and the advice
 * list (newest first; an item goes stale when its diagnostic disappears). Pure and bounded.
 */

import type { AdviceParams, ToolRunParams, TranscriptParams } from "./protocol";

export interface Turn {
  role: "user" | "model" | "tool";
  text: string;
  final: boolean;
  at: number;
}

export interface AdviceItem extends AdviceParams {
  at: number;
  stale: boolean;
}

export const MAX_TURNS = 200;
export const MAX_ADVICE = 100;

export class ConversationModel {
  readonly turns: Turn[] = [];
  readonly advice: AdviceItem[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Partial chunks extend the open turn of the same role; a final closes it. A final that repeats the whole turn
   * (the daemon sends the full text at the end) replaces the chunks instead of doubling them.
   */
  addTranscript(t: TranscriptParams): void {
    const text = t.text ?? "";
    const last = this.turns[this.turns.length - 1];
    const sameRole = last !== undefined && last.role === t.role;
    if (sameRole && !last.final) {
      if (t.final && text.trim().startsWith(last.text.trim())) {
        last.text = text;
      } else {
        last.text += text;
      }
      last.final = t.final;
      return;
    }
    if (sameRole && last.final && t.final && text.trim() === last.text.trim()) {
      return; // the full-text final after a finished chunk
    }
    if (!text.trim()) {
      return;
    }
    this.turns.push({ role: t.role, text, final: t.final, at: this.now() });
    if (this.turns.length > MAX_TURNS) {
      this.turns.splice(0, this.turns.length - MAX_TURNS);
    }
  }

  /** A run the model asked for (a command, a snippet): what ran, where, and how it ended, as its own entry. */
  addToolRun(r: ToolRunParams): void {
    this.turns.push({ role: "tool", text: describeToolRun(r), final: true, at: this.now() });
    if (this.turns.length > MAX_TURNS) {
      this.turns.splice(0, this.turns.length - MAX_TURNS);
    }
  }

  addAdvice(a: AdviceParams): void {
    const existing = this.advice.findIndex((x) => x.id === a.id);
    if (existing >= 0) {
      this.advice.splice(existing, 1);
    }
    this.advice.unshift({ ...a, at: this.now(), stale: false });
    if (this.advice.length > MAX_ADVICE) {
      this.advice.length = MAX_ADVICE;
    }
  }

  /**
   * Mark advice whose LivePair diagnostic is gone (its line changed, or it was retracted) as stale.
   * `live(uri)` gives the messages of the LivePair diagnostics currently on a document. Returns whether anything
   * changed.
   */
  refreshStale(uri: string, liveMessages: ReadonlySet<string>): boolean {
    let changed = false;
    for (const item of this.advice) {
      if (item.uri !== uri) {
        continue;
      }
      const stale = !liveMessages.has(item.message);
      if (stale !== item.stale) {
        item.stale = stale;
        changed = true;
      }
    }
    return changed;
  }

  clear(): void {
    this.turns.length = 0;
    this.advice.length = 0;
  }
}

const TOOL_OUTPUT_LINES = 20;

export function describeToolRun(r: ToolRunParams): string {
  const what = r.tool === "run_python" ? "Python (sandbox)" : r.where === "terminal" ? "Command (terminal)" : "Command";
  const shown = r.tool === "run_python" ? r.what.trimEnd() : `$ ${r.what}`;
  const outcome =
    r.outcome === "denied"
      ? "not run: you said no"
      : r.outcome === "refused"
        ? "not run"
        : r.outcome === "timedOut"
          ? "stopped at the time limit"
          : r.outcome === "cancelled"
            ? "stopped: the senior dev cancelled it"
            : `exit code ${r.exitCode ?? "none"}`;
  const lines = r.output.replace(/\n$/, "").split("\n");
  const tail = lines.length > TOOL_OUTPUT_LINES ? ["…", ...lines.slice(-TOOL_OUTPUT_LINES)] : lines;
  const body = r.output.trim() ? `\n${tail.join("\n")}` : "";
  return `${what}: ${outcome}\n${shown}${body}`;
}
