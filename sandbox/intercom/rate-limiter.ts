import type { Clock } from "./clock.js";

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
  limit: number;
}

const WINDOW_MS = 10_000;

/**
 * Intercom enforces the per-minute budget in 10-second windows of ceil(perMinute/6) and reports
 * the window in X-RateLimit-* headers (intercom-api.md §2.5).
 */
export class RateLimiter {
  private windowStart = -1;
  private used = 0;

  constructor(
    private perMinute: number,
    private readonly clock: Clock,
  ) {}

  setPerMinute(perMinute: number): void {
    this.perMinute = perMinute;
  }

  take(): RateDecision {
    const now = this.clock();
    const start = Math.floor(now / WINDOW_MS) * WINDOW_MS;
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.used = 0;
    }
    const limit = Math.ceil(this.perMinute / 6);
    const allowed = this.used < limit;
    if (allowed) this.used++;
    return {
      allowed,
      limit,
      headers: {
        "X-RateLimit-Limit": String(limit),
        "X-RateLimit-Remaining": String(allowed ? limit - this.used : 0),
        "X-RateLimit-Reset": String((start + WINDOW_MS) / 1000),
      },
    };
  }
}
