import type { Context } from "koa";
import { timingSafeEqual } from "node:crypto";
import { HullApiError } from "../errors.js";
import type { ConnectorState } from "../connector.js";

function first(...values: unknown[]): string | undefined {
  return values.find((value): value is string => typeof value === "string" && value !== "");
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Checks Hull's connector credentials: `Hull-App-Id` + `Hull-Access-Token` headers (or the
 * discouraged `?id=&secret=` / `?app_id=&access_token=` query, hull-platform.md §2.2).
 * An unknown id is 404, a wrong or missing secret 401.
 */
export function authenticateConnector(
  ctx: Context,
  connector: ConnectorState,
  pathId?: string,
): void {
  const query = ctx.query;
  const appId = first(pathId, ctx.get("Hull-App-Id"), query.id, query.app_id, query.ship);
  const token = first(ctx.get("Hull-Access-Token"), query.secret, query.access_token);
  if (!appId) throw new HullApiError(401, "Missing Hull-App-Id header");
  if (appId !== connector.id) throw new HullApiError(404, `Connector ${appId} not found`);
  if (!token || !sameSecret(token, connector.secret)) {
    throw new HullApiError(401, "Invalid Hull-Access-Token for this connector");
  }
}
