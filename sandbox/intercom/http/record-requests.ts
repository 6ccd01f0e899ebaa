import type { Context, Next } from "koa";
import type { SandboxState } from "../sandbox-state.js";

const secretKeys = new Set(["client_secret", "code", "token", "access_token"]);

function redact(body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return body;
  return Object.fromEntries(
    Object.entries(body).map(([key, value]) => [key, secretKeys.has(key) ? "[redacted]" : value]),
  );
}

/** Logs every REST request for /_sandbox/requests; never the Authorization header or secrets. */
export function recordRequests(state: SandboxState) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const time = new Date(state.now()).toISOString();
    try {
      await next();
    } finally {
      const query = Object.fromEntries(
        Object.entries(ctx.query).map(([key, value]) => [
          key,
          secretKeys.has(key) ? "[redacted]" : String(value),
        ]),
      );
      state.logRequest({
        method: ctx.method,
        path: ctx.path,
        query,
        body: redact(ctx.state.body),
        status: ctx.status,
        time,
      });
    }
  };
}
