import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ChangeFilter, KeyedDebouncer } from "../../src/common/debounce";

describe("KeyedDebouncer", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("delivers the last value once the key is quiet", () => {
    const got: Array<[string, number]> = [];
    const d = new KeyedDebouncer<number>(100, (k, v) => got.push([k, v]));
    d.push("a", 1);
    vi.advanceTimersByTime(60);
    d.push("a", 2);
    vi.advanceTimersByTime(60);
    d.push("a", 3);
    expect(got).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(got).toEqual([["a", 3]]);
    expect(d.size).toBe(0);
  });

  it("debounces each key on its own", () => {
    const got: string[] = [];
    const d = new KeyedDebouncer<null>(100, (k) => got.push(k));
    d.push("a", null);
    vi.advanceTimersByTime(50);
    d.push("b", null);
    vi.advanceTimersByTime(50);
    expect(got).toEqual(["a"]);
    vi.advanceTimersByTime(50);
    expect(got).toEqual(["a", "b"]);
  });

  it("flush delivers pending values at once, and only once", () => {
    const got: string[] = [];
    const d = new KeyedDebouncer<string>(1000, (_k, v) => got.push(v));
    d.push("a", "x");
    d.push("b", "y");
    d.flush("a");
    expect(got).toEqual(["x"]);
    d.flush();
    expect(got).toEqual(["x", "y"]);
    vi.advanceTimersByTime(2000);
    expect(got).toEqual(["x", "y"]);
  });

  it("dispose drops what is pending", () => {
    const deliver = vi.fn();
    const d = new KeyedDebouncer<number>(10, deliver);
    d.push("a", 1);
    d.dispose();
    vi.advanceTimersByTime(100);
    expect(deliver).not.toHaveBeenCalled();
  });

  it("uses injected timers", () => {
    const scheduled: Array<() => void> = [];
    const d = new KeyedDebouncer<number>(10, (_k, v) => expect(v).toBe(7), {
      setTimeout: (fn) => scheduled.push(fn),
      clearTimeout: () => undefined,
    });
    d.push("k", 7);
    expect(scheduled).toHaveLength(1);
    scheduled[0]();
    expect(d.size).toBe(0);
  });
});

describe("ChangeFilter", () => {
  it("passes a payload only when it differs from the last for its key", () => {
    const f = new ChangeFilter();
    expect(f.changed("a", { x: 1 })).toBe(true);
    expect(f.changed("a", { x: 1 })).toBe(false);
    expect(f.changed("b", { x: 1 })).toBe(true);
    expect(f.changed("a", { x: 2 })).toBe(true);
    f.forget("a");
    expect(f.changed("a", { x: 2 })).toBe(true);
    f.forget();
    expect(f.changed("b", { x: 1 })).toBe(true);
  });
});
