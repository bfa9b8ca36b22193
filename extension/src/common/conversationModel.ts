/**
 * What the LivePair panel shows: the conversation (merging streamed transcript chunks into turns) and the advice:
 * one card per finding (keyed by the daemon's advice id, which a re-annotation of the same line keeps, and by its
 * document and line), newest first, following its line when lines move; a card whose hint is gone folds into
 * "Earlier". Pure and bounded.
 */

import type { AdviceParams, SourceLink, SourcesParams, ToolRunParams, TranscriptParams } from "./protocol";

export interface Turn {
  role: "user" | "model" | "tool";
  text: string;
  final: boolean;
  at: number;
  /** Where a grounded answer came from: web links shown next to it. */
  sources?: SourceLink[];
}

export const MAX_SOURCES = 10;

/** Only http(s) links with a host, each once, at most MAX_SOURCES: nothing else may be opened from the panel. */
export function webLinks(links: readonly SourceLink[]): SourceLink[] {
  const out: SourceLink[] = [];
  for (const link of links) {
    let url: URL;
    try {
      url = new URL(link.uri);
    } catch {
      continue;
    }
    if ((url.protocol !== "https:" && url.protocol !== "http:") || !url.host || out.some((l) => l.uri === link.uri)) {
      continue;
    }
    out.push({ title: (link.title || url.host).slice(0, 200), uri: link.uri });
    if (out.length >= MAX_SOURCES) {
      break;
    }
  }
  return out;
}

export interface AdviceItem extends AdviceParams {
  at: number;
  stale: boolean;
}

/** A LivePair diagnostic as the editor has it now: its advice id when the client kept it, its message, its line. */
export interface LiveHint {
  id?: string;
  message: string;
  line: number;
}

export const MAX_TURNS = 200;
export const MAX_ADVICE = 100;
/** Cards whose hint is gone that are still listed, under "Earlier". */
export const MAX_EARLIER = 20;

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

  /** The daemon sends a grounded answer's sources right after its final transcript: they belong to that turn. */
  addSources(s: SourcesParams): void {
    const links = webLinks(s.sources ?? []);
    const last = [...this.turns].reverse().find((t) => t.role === "model");
    if (last === undefined || links.length === 0) {
      return;
    }
    last.sources = webLinks([...(last.sources ?? []), ...links]);
  }

  /** Whether a link is one of the sources shown (the panel opens nothing else). */
  isSource(uri: string): boolean {
    return this.turns.some((t) => t.sources?.some((l) => l.uri === uri));
  }

  /** A finding's card: it replaces the card with its id, and any card on the same line (the daemon keeps one). */
  addAdvice(a: AdviceParams): void {
    const line = a.range.start.line;
    for (let i = this.advice.length - 1; i >= 0; i--) {
      const x = this.advice[i];
      if (x.id === a.id || (x.uri === a.uri && x.range.start.line === line)) {
        this.advice.splice(i, 1);
      }
    }
    this.advice.unshift({ ...a, at: this.now(), stale: false });
    this.bound();
  }

  /** The cards shown as current, newest first. */
  get current(): AdviceItem[] {
    return this.advice.filter((a) => !a.stale);
  }

  /** The cards whose hint is gone (its code changed, or it was retracted), newest first. */
  get earlier(): AdviceItem[] {
    return this.advice.filter((a) => a.stale);
  }

  /**
   * Match a document's cards to its LivePair diagnostics now: a card follows its hint to a moved line, goes to
   * "Earlier" when its hint is gone, and comes back when it returns (an undo). Matched by advice id where the
   * editor kept it, else by message. Returns whether anything changed.
   */
  refreshStale(uri: string, live: readonly LiveHint[]): boolean {
    let changed = false;
    for (const item of this.advice) {
      if (item.uri !== uri) {
        continue;
      }
      const hint = live.find((h) => h.id === item.id) ?? live.find((h) => h.id === undefined && h.message === item.message);
      const stale = hint === undefined;
      if (stale !== item.stale) {
        item.stale = stale;
        changed = true;
      }
      if (hint !== undefined && hint.line !== item.range.start.line) {
        const delta = hint.line - item.range.start.line;
        item.range = shift(item.range, delta);
        if (item.fix) {
          item.fix = { ...item.fix, range: shift(item.fix.range, delta) };
        }
        changed = true;
      }
    }
    if (changed) {
      this.bound();
    }
    return changed;
  }

  private bound(): void {
    const earlier = this.earlier.slice(MAX_EARLIER);
    for (const old of earlier) {
      this.advice.splice(this.advice.indexOf(old), 1);
    }
    if (this.advice.length > MAX_ADVICE) {
      this.advice.length = MAX_ADVICE;
    }
  }

  clear(): void {
    this.turns.length = 0;
    this.advice.length = 0;
  }
}

function shift(r: AdviceParams["range"], delta: number): AdviceParams["range"] {
  return {
    start: { line: r.start.line + delta, character: r.start.character },
    end: { line: r.end.line + delta, character: r.end.character },
  };
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
