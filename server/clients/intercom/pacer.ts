/**
 * Paces requests to one Intercom workspace from the X-RateLimit-* headers, so that the budget of
 * each 10-second window is used almost fully and a 429 is rare (DESIGN.md §6). Processes sharing a
 * workspace read the same headers, so they share the budget without talking to each other.
 */
export interface RateWindow {
  limit: number;
  remaining: number;
  /** Epoch milliseconds when the window resets. */
  resetAt: number;
}

/**
 * Intercom's windows last 10 seconds (intercom-api.md §2.5), so a reset further away than that
 * means our clock and Intercom's disagree: we never wait longer than one window for it.
 */
const WINDOW_MS = 10_000;

export interface PacerOptions {
  now?: () => number;
  /** Requests allowed in flight before the first headers tell us the budget. */
  probeConcurrency?: number;
  /** Upper bound on requests in flight, whatever the budget. */
  maxConcurrency?: number;
  /** Random extra wait after a reset, so many waiters do not all fire on the same millisecond. */
  jitterMs?: number;
  random?: () => number;
}

export class Pacer {
  private window?: RateWindow;
  private inFlight = 0;
  private readonly now: () => number;
  private readonly probeConcurrency: number;
  private readonly maxConcurrency: number;
  private readonly jitterMs: number;
  private readonly random: () => number;

  constructor(options: PacerOptions = {}) {
    this.now = options.now ?? Date.now;
    this.probeConcurrency = options.probeConcurrency ?? 2;
    this.maxConcurrency = options.maxConcurrency ?? 16;
    this.jitterMs = options.jitterMs ?? 200;
    this.random = options.random ?? Math.random;
  }

  /** Milliseconds to wait before the next request may start; 0 means start now. */
  delay(): number {
    if (this.inFlight >= this.maxConcurrency) return 5;
    const window = this.window;
    if (!window) return this.inFlight < this.probeConcurrency ? 0 : 5;
    const now = this.now();
    if (now >= window.resetAt) return this.inFlight < this.probeConcurrency ? 0 : 5;
    if (window.remaining - this.inFlight > 0) return 0;
    return window.resetAt - now + Math.floor(this.random() * this.jitterMs);
  }

  started(): void {
    this.inFlight += 1;
  }

  /** Records a response's rate headers (absent on 401) and frees its slot. */
  finished(headers: { get(name: string): string | null }): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    const limit = Number(headers.get("x-ratelimit-limit"));
    const remaining = Number(headers.get("x-ratelimit-remaining"));
    const reset = Number(headers.get("x-ratelimit-reset"));
    if (
      !headers.get("x-ratelimit-remaining") ||
      !Number.isFinite(remaining) ||
      !Number.isFinite(reset)
    )
      return;
    const resetAt = Math.min(reset * 1000, this.now() + WINDOW_MS);
    const current = this.window;
    if (!current || resetAt > current.resetAt) {
      this.window = { limit: Number.isFinite(limit) ? limit : remaining, remaining, resetAt };
    } else if (resetAt === current.resetAt) {
      // Answers of one window arrive out of order: the smallest remaining is the freshest.
      current.remaining = Math.min(current.remaining, remaining);
    }
  }

  /**
   * After a 429: nothing is left until the reset the answer names (or 10 s, a window), and not
   * before `atLeastMs` from now (a Retry-After): every request of the workspace waits. Returns
   * the wait (ms) from now.
   */
  exhausted(headers: { get(name: string): string | null }, atLeastMs = 0): number {
    const reset = Number(headers.get("x-ratelimit-reset"));
    const windowResetAt =
      Number.isFinite(reset) && reset > 0
        ? Math.min(reset * 1000, this.now() + WINDOW_MS)
        : this.now() + WINDOW_MS;
    const resetAt = Math.max(windowResetAt, this.now() + atLeastMs);
    this.window = {
      limit: this.window?.limit ?? 0,
      remaining: 0,
      resetAt: Math.max(resetAt, this.now()),
    };
    return this.window.resetAt - this.now() + Math.floor(this.random() * this.jitterMs);
  }

  snapshot(): RateWindow | undefined {
    return this.window ? { ...this.window } : undefined;
  }
}

/** The longest (ms) a `Retry-After` is believed: no answer parks the workspace for longer. */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

/**
 * Ms a 429's `Retry-After` asks to wait (RFC 9110 §10.2.3: delay-seconds or an HTTP-date), at
 * most MAX_RETRY_AFTER_MS; 0 when absent or unreadable. Intercom documents `X-RateLimit-*`
 * (intercom-api.md §2.5); its own SDK (intercom-client 7.0.3, core/fetcher/requestWithRetries.js)
 * honours `Retry-After` first, so a 429 carrying it is waited out at least that long here too.
 */
export function retryAfterMs(
  headers: { get(name: string): string | null },
  now = Date.now(),
): number {
  const value = headers.get("retry-after")?.trim();
  if (!value) return 0;
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : 0;
}
