/**
 * Advice with no line to sit on (the answer to a question, a mistyped command) must reach the user where they look:
 * a reply that put nothing on a line becomes a notification with "Show" (the panel) — unless the panel is in view.
 * A reply is placed when LivePair advice arrived during its turn or just after it (tool calls may finish after the
 * turn's last words). A reply to the user's own question is not notified: they asked in the panel (Ask opens it) or
 * by voice (they hear it). Pure: the clock and the timer are injected.
 */

import type { TranscriptParams } from "./protocol";

/** How long after a reply's final words its hints may still arrive. */
export const PLACED_GRACE_MS = 600;
export const NOTICE_CHARS = 240;

export class UnplacedAdvice {
  private turnStart = 0;
  private lastAdvice = -1;
  private asked = false;

  constructor(
    private readonly notify: (text: string) => void,
    private readonly now: () => number = Date.now,
    private readonly later: (run: () => void, ms: number) => void = (run, ms) => void setTimeout(run, ms),
  ) {}

  advice(): void {
    this.lastAdvice = this.now();
  }

  transcript(t: TranscriptParams): void {
    if (t.role === "user") {
      this.turnStart = this.now();
      this.asked = true;
      return;
    }
    if (t.role !== "model" || !t.final || !t.text?.trim()) {
      return;
    }
    const answer = this.asked;
    this.asked = false;
    if (answer) {
      this.turnStart = this.now();
      return;
    }
    const start = this.turnStart;
    this.turnStart = this.now();
    const text = t.text.trim();
    this.later(() => {
      if (this.lastAdvice < start) {
        this.notify(text.length > NOTICE_CHARS ? `${text.slice(0, NOTICE_CHARS - 1)}…` : text);
      }
    }, PLACED_GRACE_MS);
  }
}
