import type { Context, Next } from "koa";
import { unauthorized } from "../errors.js";
import type { SandboxState } from "../sandbox-state.js";

export function bearerToken(ctx: Context): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(ctx.get("Authorization"));
  return match?.[1];
}

/** Every REST call needs a live Bearer token; a 401 carries no rate-limit headers (§2.5). */
export function authenticate(state: SandboxState) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const token = bearerToken(ctx);
    if (!state.grants.isValid(token)) throw unauthorized();
    ctx.state.token = token;
    await next();
  };
}
