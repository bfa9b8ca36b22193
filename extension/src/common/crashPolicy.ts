/**
 * How often a crashed daemon is restarted: at most `maxRestarts` within `windowMs`, then the user is told.
 */

export type CrashDecision = "restart" | "giveUp";

export class CrashPolicy {
  private crashes: number[] = [];

  constructor(
    readonly maxRestarts = 3,
    readonly windowMs = 3 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  recordCrash(): CrashDecision {
    const t = this.now();
    this.crashes = this.crashes.filter((c) => t - c < this.windowMs);
    this.crashes.push(t);
    return this.crashes.length > this.maxRestarts ? "giveUp" : "restart";
  }

  get recentCrashes(): number {
    const t = this.now();
    return this.crashes.filter((c) => t - c < this.windowMs).length;
  }

  /** A deliberate restart (the user's, or after setup) starts counting afresh. */
  reset(): void {
    this.crashes = [];
  }
}
