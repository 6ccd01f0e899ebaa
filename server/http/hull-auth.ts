import type { Context, Middleware } from "koa";
import { credentialsFromQuery, type HullAuthenticator } from "../clients/hull/authenticate";
import type { TokenIssuer } from "../clients/hull/tokens";
import type { HullConnector, HullCredentials } from "../clients/hull/types";
import { UnauthorizedError } from "../errors";

export interface HullState {
  credentials: HullCredentials;
  connector: HullConnector;
}

function bearer(ctx: Context): string | undefined {
  const header = ctx.get("authorization");
  if (header.toLowerCase().startsWith("bearer ")) return header.slice(7).trim();
  const fromQuery = ctx.query.hullToken ?? ctx.query.token;
  return typeof fromQuery === "string" ? fromQuery : undefined;
}

/**
 * Accepts the two ways Hull reaches us: raw query credentials (checked against Hull), or a token we
 * minted for the dashboard. Either way Hull confirms the connector exists before anything runs.
 * Throws UnauthorizedError (401) for missing, forged or expired credentials, RetryableError (503)
 * when Hull cannot confirm them now.
 */
export function requireHull(auth: HullAuthenticator, tokens: TokenIssuer): Middleware {
  return async (ctx, next) => {
    const fromQuery = credentialsFromQuery(ctx.query as Record<string, unknown>);
    const token = bearer(ctx);
    let credentials: HullCredentials;
    if (fromQuery) credentials = fromQuery;
    else if (token) credentials = tokens.read(token, "dashboard");
    else
      throw new UnauthorizedError(
        "Missing Hull credentials: open this page from the connector in Hull",
      );
    const connector = await auth.authenticate(credentials);
    ctx.state.hull = { credentials, connector } satisfies HullState;
    await next();
  };
}

export function hullState(ctx: Context): HullState {
  return ctx.state.hull as HullState;
}
