/**
 * Keyed debouncing: the last value for a key wins and is delivered once the key has been quiet for `delayMs`.
 * `flush()` delivers what is pending at once (e.g. before an explicit "explain"). Timers are injectable for tests.
 */

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class KeyedDebouncer<T> {
  private readonly pending = new Map<string, { value: T; handle: unknown }>();

  constructor(
    private readonly delayMs: number,
    private readonly deliver: (key: string, value: T) => void,
    private readonly timers: Timers = realTimers,
  ) {}

  push(key: string, value: T): void {
    const previous = this.pending.get(key);
    if (previous) {
      this.timers.clearTimeout(previous.handle);
    }
    const handle = this.timers.setTimeout(() => this.fire(key), this.delayMs);
    this.pending.set(key, { value, handle });
  }

  /** Deliver one key (or every key) now. */
  flush(key?: string): void {
    const keys = key === undefined ? [...this.pending.keys()] : [key];
    for (const k of keys) {
      const entry = this.pending.get(k);
      if (entry) {
        this.timers.clearTimeout(entry.handle);
        this.fire(k);
      }
    }
  }

  get size(): number {
    return this.pending.size;
  }

  dispose(): void {
    for (const entry of this.pending.values()) {
      this.timers.clearTimeout(entry.handle);
    }
    this.pending.clear();
  }

  private fire(key: string): void {
    const entry = this.pending.get(key);
    if (!entry) {
      return;
    }
    this.pending.delete(key);
    this.deliver(key, entry.value);
  }
}

/**
 * Drops a payload identical to the last one sent for the same key, so unchanged context is not re-sent
 * (every diagnostics change event for a file would otherwise resend the whole list).
 */
export class ChangeFilter {
  private readonly last = new Map<string, string>();

  changed(key: string, payload: unknown): boolean {
    const text = JSON.stringify(payload);
    if (this.last.get(key) === text) {
      return false;
    }
    this.last.set(key, text);
    return true;
  }

  forget(key?: string): void {
    if (key === undefined) {
      this.last.clear();
    } else {
      this.last.delete(key);
    }
  }
}
