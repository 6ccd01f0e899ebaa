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
 * timeouts"): the scroll cannot be continued (its param answers 404 after this), and it stays open
 * until it expires, so a restart meets scroll_exists first (CompanyScroll.interrupt).
 */
const scrollFailure: [string, string] = [
  "server_error",
  "Request failed due to an internal network error. Please restart the scroll operation.",
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Applies the /_sandbox/faults rule: fail with a status, wait first, drop the connection, or
 * serve the request and answer `null` (a `nullable: true` response, e.g. company_scroll).
 */
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
      const scrollFailed = action.status === 500 && ctx.path === "/companies/scroll";
      if (scrollFailed) state.workspace.companyScroll.interrupt();
      const [code, message] = scrollFailed
        ? scrollFailure
        : (codes[action.status] ?? ["client_error", `Injected failure ${action.status}`]);
      throw new IntercomError(action.status, code, message);
    }
    await next();
    if (action.kind === "null" && ctx.status < 300) {
      // Koa would turn `ctx.body = null` into a 204 with no body: the JSON text `null` is sent.
      ctx.status = 200;
      ctx.type = "application/json";
      ctx.body = "null";
    }
  };
}
