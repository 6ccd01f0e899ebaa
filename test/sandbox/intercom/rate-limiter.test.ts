import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../../sandbox/intercom/rate-limiter.js";

describe("RateLimiter", () => {
  it("allows ceil(perMinute/6) calls per 10-second window and reports the window end", () => {
    let now = 1_000_004_000;
    const limiter = new RateLimiter(1000, () => now);
    const decisions = Array.from({ length: 168 }, () => limiter.take());
    expect(decisions.filter((d) => d.allowed)).toHaveLength(167);
    expect(decisions[0].headers).toEqual({
      "X-RateLimit-Limit": "167",
      "X-RateLimit-Remaining": "166",
      "X-RateLimit-Reset": "1000010",
    });
    expect(decisions[167].headers["X-RateLimit-Remaining"]).toBe("0");
    now += 6000;
    expect(limiter.take()).toMatchObject({
      allowed: true,
      headers: { "X-RateLimit-Reset": "1000020" },
    });
  });
});
