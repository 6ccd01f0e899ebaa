import { describe, expect, it } from "vitest";
import { Pacer } from "../../../../server/clients/intercom/pacer";

const rate = (limit: number, remaining: number, resetSeconds: number) =>
  new Headers({
    "x-ratelimit-limit": String(limit),
    "x-ratelimit-remaining": String(remaining),
    "x-ratelimit-reset": String(resetSeconds),
  });

function pacerAt(startMs: number) {
  let now = startMs;
  const pacer = new Pacer({ now: () => now, random: () => 0, jitterMs: 100, maxConcurrency: 50 });
  return { pacer, advance: (ms: number) => (now += ms), nowMs: () => now };
}

describe("Pacer", () => {
  it("lets a probe request go before any headers are known, but not a stampede", () => {
    const { pacer } = pacerAt(1_000_000);
    expect(pacer.delay()).toBe(0);
    pacer.started();
    pacer.started();
    expect(pacer.delay()).toBeGreaterThan(0);
  });

  it("spends the whole remaining budget of a window without waiting", () => {
    const { pacer } = pacerAt(1_000_000);
    pacer.started();
    pacer.finished(rate(100, 10, 1_005));
    for (let sent = 0; sent < 10; sent++) {
      expect(pacer.delay()).toBe(0);
      pacer.started();
    }
    expect(pacer.delay()).toBeGreaterThan(0);
  });

  it("waits until the window resets once the budget is spent", () => {
    const { pacer } = pacerAt(1_000_000);
    pacer.started();
    pacer.finished(rate(100, 0, 1_004));
    expect(pacer.delay()).toBe(4000);
  });

  it("counts requests in flight against what is left", () => {
    const { pacer } = pacerAt(1_000_000);
    pacer.started();
    pacer.finished(rate(100, 2, 1_005));
    pacer.started();
    pacer.started();
    expect(pacer.delay()).toBe(5000);
    pacer.finished(rate(100, 1, 1_005));
    expect(pacer.delay()).toBe(5000); // 1 left, 1 still in flight
  });

  it("keeps the smallest remaining of one window when answers arrive out of order", () => {
    const { pacer } = pacerAt(1_000_000);
    pacer.started();
    pacer.started();
    pacer.finished(rate(100, 3, 1_005));
    pacer.finished(rate(100, 7, 1_005));
    expect(pacer.snapshot()?.remaining).toBe(3);
  });

  it("moves to a new window when its reset is later", () => {
    const { pacer, advance } = pacerAt(1_000_000);
    pacer.started();
    pacer.finished(rate(100, 0, 1_001));
    advance(1500);
    expect(pacer.delay()).toBe(0);
    pacer.started();
    pacer.finished(rate(100, 99, 1_011));
    expect(pacer.snapshot()).toEqual({ limit: 100, remaining: 99, resetAt: 1_011_000 });
  });

  it("after a 429 waits for the reset the answer names, plus jitter", () => {
    let now = 1_000_000;
    const pacer = new Pacer({ now: () => now, random: () => 0.5, jitterMs: 200 });
    expect(pacer.exhausted(rate(100, 0, 1_003))).toBe(3100);
    now += 3000;
    expect(pacer.delay()).toBe(0);
  });

  it("waits at most one 10-second window when Intercom's clock runs ahead of ours", () => {
    // A reset ten minutes away (a clock ten minutes ahead) is still the end of a 10 s window.
    const { pacer } = pacerAt(1_000_000);
    pacer.started();
    pacer.finished(rate(100, 0, 1_600));
    expect(pacer.delay()).toBeLessThanOrEqual(10_000);
    const after429 = new Pacer({ now: () => 1_000_000, random: () => 0 });
    expect(after429.exhausted(rate(100, 0, 1_600))).toBe(10_000);
  });

  it("after a 429 without headers waits a whole window", () => {
    const pacer = new Pacer({ now: () => 0, random: () => 0 });
    expect(pacer.exhausted(new Headers())).toBe(10_000);
  });
});
