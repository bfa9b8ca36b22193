/**
 * Advice the user cannot see must reach them where they look: a notification. Three cases:
 * - a reply that put nothing on a line (the answer to nothing asked, a mistyped command): "Show" opens the panel;
 * - a crash's finding on a line no editor shows: "Show" opens the line, "Apply fix" when it has a checked fix;
 * - a reply whose hints all landed on lines out of view: the same, for its first finding (a fix preferred).
 * A reply is placed when LivePair advice arrived during its turn or just after it (tool calls may finish after the
 * turn's last words), not the hints that trailed the reply before it (a tutor's praise after a hint is unplaced); its own
 * hints are those of the last few seconds (a quiet check on open hours ago is not). A reply to the user's own question is not notified: they asked in the panel (Ask opens it) or
 * by voice (they hear it). Each finding is notified once per message. Pure: the clock, the timer and what is in
 * view are injected.
 */

import type { AdviceParams, TranscriptParams } from "./protocol";

/** How long after a reply's final words (or a finding) its hints and fix may still arrive. */
export const PLACED_GRACE_MS = 600;
export const NOTICE_CHARS = 240;
/** A reply's own hints arrived at most this long before its final words. */
export const REPLY_WINDOW_MS = 5_000;

export interface Notice {
  text: string;
  /** The finding it is about (Show opens its line; Apply fix applies its fix), or undefined: Show opens the panel. */
  advice?: AdviceParams;
}

export function shorten(text: string): string {
  return text.length > NOTICE_CHARS ? `${text.slice(0, NOTICE_CHARS - 1)}…` : text;
}

export class UnplacedAdvice {
  private turnStart = 0;
  private asked = false;
  /** How many model turns ended so far, and when the last did (whether a new one has begun since). */
  private turnsEnded = 0;
  private lastEnd = Number.NEGATIVE_INFINITY;
  private turnBegun = false;
  private readonly latest = new Map<string, AdviceParams>();
  /** `trails`: the turn this advice came just after (its tool call finished after its words), not the next one. */
  private readonly arrived: { id: string; at: number; trails?: number }[] = [];
  private readonly notified = new Set<string>();

  constructor(
    private readonly notify: (notice: Notice) => void,
    private readonly now: () => number = Date.now,
    private readonly later: (run: () => void, ms: number) => void = (run, ms) => void setTimeout(run, ms),
    private readonly inView: (advice: AdviceParams) => boolean = () => false,
  ) {}

  advice(a: AdviceParams): void {
    this.latest.set(a.id, a);
    const trails = !this.turnBegun && this.now() - this.lastEnd <= PLACED_GRACE_MS ? this.turnsEnded : undefined;
    this.arrived.push({ id: a.id, at: this.now(), trails });
    if (this.arrived.length > 200) {
      this.arrived.splice(0, this.arrived.length - 200);
    }
    if (a.severity === "error") {
      this.later(() => this.finding(a.id), PLACED_GRACE_MS); // its fix may join it just after
    }
  }

  transcript(t: TranscriptParams): void {
    if (t.role === "user") {
      this.turnStart = this.now();
      this.asked = true;
      this.turnBegun = true;
      return;
    }
    if (t.role !== "model") {
      return;
    }
    if (!t.final || !t.text?.trim()) {
      this.turnBegun ||= !t.final && Boolean(t.text?.trim()); // a new turn's words are streaming
      return;
    }
    const previous = this.turnsEnded;
    this.turnsEnded += 1;
    this.lastEnd = this.now();
    this.turnBegun = false;
    const answer = this.asked;
    this.asked = false;
    if (answer) {
      this.turnStart = this.now();
      return;
    }
    const start = this.turnStart;
    this.turnStart = this.now();
    const text = t.text.trim();
    const own = Math.max(start, this.now() - REPLY_WINDOW_MS);
    this.later(() => this.reply(text, start, own, previous), PLACED_GRACE_MS);
  }

  /** `previous`: the turn before this one; advice that trailed it is its own, not this reply's (a tutor's praise). */
  private reply(text: string, start: number, own: number, previous: number): void {
    const mine = this.arrived.filter((x) => x.trails !== previous);
    if (!mine.some((x) => x.at >= start)) {
      this.notify({ text: shorten(text) });
      return;
    }
    const ids = [...new Set(mine.filter((x) => x.at >= own).map((x) => x.id))];
    const placed = ids.map((id) => this.latest.get(id)).filter((a): a is AdviceParams => a !== undefined);
    if (placed.length === 0 || placed.some((a) => a.severity === "error" || this.notified.has(key(a)) || this.inView(a))) {
      return; // seen on its line, told already, or a crash (told on its own, once)
    }
    const first = placed.find((a) => a.fix) ?? placed[0];
    this.notified.add(key(first));
    this.notify({ text: shorten(text), advice: first });
  }

  private finding(id: string): void {
    const a = this.latest.get(id);
    if (!a || this.notified.has(key(a)) || this.inView(a)) {
      return;
    }
    this.notified.add(key(a));
    this.notify({ text: shorten(a.message), advice: a });
  }
}

function key(a: AdviceParams): string {
  return `${a.id}\0${a.message}`;
}
