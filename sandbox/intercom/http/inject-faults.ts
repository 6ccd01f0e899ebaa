import type { Context, Next } from "koa";
import { IntercomError } from "../errors.js";
import type { SandboxState } from "../sandbox-state.js";

const codes: Record<number, [string, string]> = {
  429: ["rate_limit_exceeded", "Too many requests"],
  500: ["server_error", "Internal server error"],
  502: ["server_error", "Bad gateway"],
  503: ["service_unavailable", "Service unavailable"],
  504: ["request_timeout", "Gateway timeout"],
};

/**
 * A scroll's network failure, as the description words it (GET /companies/scroll, "Scroll network
 * timeouts"); the scroll itself stays open until it expires, so a restart meets scroll_exists first.
 */
const scrollFailure: [string, string] = [
  "server_error",
  "Request failed due to an internal network error. Please restart the scroll operation.",
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Applies the /_sandbox/faults rule: fail with a status, wait first, or drop the connection. */
export function injectFaults(state: SandboxState) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const action = state.faults.decide(ctx.path);
    if (action.kind !== "none" && action.delayMs > 0) await sleep(action.delayMs);
    if (action.kind === "drop") {
      ctx.respond = false;
      ctx.status = 599;
      ctx.req.socket.destroy();
      return;
    }
    if (action.kind === "status") {
      const [code, message] =
        action.status === 500 && ctx.path === "/companies/scroll"
          ? scrollFailure
          : (codes[action.status] ?? ["client_error", `Injected failure ${action.status}`]);
      throw new IntercomError(action.status, code, message);
    }
    await next();
  };
}
