import { sha256 } from "../../crypto";
import { UnauthorizedError } from "../../errors";
import { isAllowedHost, isValidOrganization } from "./hosts";
import { createHullRestClient } from "./rest";
import type { HullConnector, HullCredentials } from "./types";

export interface HullAuthenticator {
  /** The connector the credentials belong to, confirmed by Hull; cached briefly. */
  authenticate(credentials: HullCredentials): Promise<HullConnector>;
  forget(credentials: HullCredentials): void;
}

const HEX24 = /^[0-9a-f]{24}$/i;

/** Reads `ship` (or `id`), `organization` and `secret` from a query string, as Hull sends them. */
export function credentialsFromQuery(query: Record<string, unknown>): HullCredentials | undefined {
  const pick = (name: string) =>
    typeof query[name] === "string" ? (query[name] as string) : undefined;
  const id = pick("ship") ?? pick("id");
  const organization = pick("organization");
  const secret = pick("secret");
  if (!id || !organization || !secret) return undefined;
  return { id, organization, secret };
}

export function createHullAuthenticator(
  allowedHosts: readonly string[],
  ttlMs = 60_000,
): HullAuthenticator {
  const cache = new Map<string, { connector?: HullConnector; error?: unknown; expires: number }>();
  const keyOf = (credentials: HullCredentials) =>
    sha256(`${credentials.organization}\n${credentials.id}\n${credentials.secret}`);

  return {
    async authenticate(credentials) {
      if (!HEX24.test(credentials.id))
        throw new UnauthorizedError("Connector id must be 24 hexadecimal characters");
      if (
        !isValidOrganization(credentials.organization) ||
        !isAllowedHost(credentials.organization, allowedHosts)
      ) {
        throw new UnauthorizedError(
          `Organization ${credentials.organization} is not an allowed Hull host`,
        );
      }
      const key = keyOf(credentials);
      const cached = cache.get(key);
      if (cached && cached.expires > Date.now()) {
        if (cached.error) throw cached.error;
        return cached.connector!;
      }
      try {
        const connector = await createHullRestClient(credentials).getConnector();
        cache.set(key, { connector, expires: Date.now() + ttlMs });
        return connector;
      } catch (error) {
        // Refusals are remembered briefly too, so a flood of forged requests does not flood Hull.
        if (error instanceof UnauthorizedError)
          cache.set(key, { error, expires: Date.now() + Math.min(ttlMs, 10_000) });
        throw error;
      }
    },
    forget(credentials) {
      cache.delete(keyOf(credentials));
    },
  };
}
