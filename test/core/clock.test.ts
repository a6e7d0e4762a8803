import { describe, expect, it } from "vitest";
import { ManualClock, MAX_TIMER_MS, systemClock } from "../../src/core/clock.js";

describe("the clock port", () => {
  it("a manual clock fires timers that fall due, in due order, at the clock's own time", () => {
    const clock = new ManualClock(1_000);
    const fired: Array<[string, number]> = [];
    clock.after(300, () => fired.push(["b", clock.now()]));
    clock.after(100, () => fired.push(["a", clock.now()]));
    clock.every(250, () => fired.push(["tick", clock.now()]));
    clock.advance(99);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([["a", 1_100]]);
    clock.set(1_300);
    expect(fired).toEqual([
      ["a", 1_100],
      ["tick", 1_300],
      ["b", 1_300],
    ]);
  });

  it("a jump over many periods fires a repeating timer once, then on its period", () => {
    const clock = new ManualClock(0);
    let n = 0;
    clock.every(60_000, () => n++);
    clock.set(3_600_000); // an hour of recorded time in one step
    expect(n).toBe(1);
    clock.advance(59_999);
    expect(n).toBe(1);
    clock.advance(1);
    expect(n).toBe(2);
  });

  it("fireNext moves the clock and fires one due timer at a time, in due order and then the order they were set, as set() would", () => {
    const clock = new ManualClock(0);
    const fired: Array<[string, number]> = [];
    clock.every(300, () => fired.push(["cycle", clock.now()]));
    clock.after(300, () => fired.push(["funding", clock.now()]));
    clock.after(200, () => fired.push(["order", clock.now()]));
    // Nothing due by 199: the clock moves, nothing fires.
    expect(clock.fireNext(199)).toBe(false);
    expect(clock.now()).toBe(199);
    // Three due by 1,000, fired one per call at the clock's new time: 200 first, then the two of 300 in the order they were set.
    expect(clock.fireNext(1_000)).toBe(true);
    expect(fired).toEqual([["order", 1_000]]);
    expect(clock.fireNext(1_000)).toBe(true);
    expect(clock.fireNext(1_000)).toBe(true);
    expect(fired.map(([name]) => name)).toEqual(["order", "cycle", "funding"]);
    // The repeating one, like set() over many periods, fired once: its next is after 1,000.
    expect(clock.fireNext(1_000)).toBe(false);
    expect(clock.next).toBe(1_200);
    // Never back in time.
    expect(clock.fireNext(500)).toBe(false);
    expect(clock.now()).toBe(1_000);
    // A timer canceled by the one fired before it does not fire.
    const cancel = clock.after(200, () => fired.push(["canceled", clock.now()]));
    clock.after(150, () => cancel());
    while (clock.fireNext(2_000));
    expect(fired.map(([name]) => name)).toEqual(["order", "cycle", "funding", "cycle"]);
  });

  it("canceled timers never fire, and one-shot timers fire once", () => {
    const clock = new ManualClock(0);
    let a = 0;
    let b = 0;
    const cancel = clock.every(10, () => a++);
    clock.after(5, () => b++);
    clock.advance(10);
    cancel();
    clock.advance(100);
    expect(a).toBe(1);
    expect(b).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it("knows when its next timer is due, through firing, adding and canceling (a backtest sets it every update)", () => {
    const clock = new ManualClock(1000);
    expect(clock.next).toBeUndefined();
    const fired: string[] = [];
    const cancelA = clock.after(50, () => fired.push("a"));
    clock.every(30, () => fired.push("b"));
    expect(clock.next).toBe(1030);
    clock.set(1029);
    expect(fired).toEqual([]);
    clock.set(1030);
    expect(fired).toEqual(["b"]);
    expect(clock.next).toBe(1050);
    cancelA();
    clock.set(1055); // a stale "next" costs a look, never a canceled call
    expect(fired).toEqual(["b"]);
    expect(clock.next).toBe(1060);
    clock.after(1, () => clock.after(1, () => fired.push("c")));
    clock.set(1056);
    expect(clock.next).toBe(1057);
    clock.set(1057);
    expect(fired).toEqual(["b", "c"]);
  });

  it.each([0, -1, 1.5, Number.NaN, MAX_TIMER_MS + 1, 30 * 86_400_000])("refuses a timer of %s ms instead of looping hot", (ms) => {
    expect(() => systemClock.every(ms, () => undefined)).toThrow(RangeError);
    expect(() => new ManualClock().after(ms, () => undefined)).toThrow(/whole number of milliseconds/);
  });
});
