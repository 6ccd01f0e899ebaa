import type { Context, Next } from "koa";
import { IntercomError } from "../errors.js";
import type { SandboxState } from "../sandbox-state.js";

/** Counts the call against the workspace window and sets X-RateLimit-* on every answer (§2.5). */
export function limitRate(state: SandboxState) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const decision = state.limiter.take();
    ctx.set(decision.headers);
    if (!decision.allowed) {
      throw new IntercomError(
        429,
        "rate_limit_exceeded",
        `Exceeded rate limit of ${decision.limit} in 10_seconds`,
        decision.headers,
      );
    }
    try {
      await next();
    } finally {
      // Error answers replace headers set by routes, not these; set again in case a route cleared them.
      ctx.set(decision.headers);
    }
  };
}
