import { LRUCache } from "lru-cache";
import { sha256 } from "../../crypto";
import { RetryableError, UnauthorizedError } from "../../errors";
import { isAllowedHost, isValidOrganization } from "./hosts";
import type { SafeFetch } from "../safe-fetch";
import { createHullRestClient } from "./rest";
import type { HullConnector, HullCredentials } from "./types";
import { keptPartOf, type ConfirmedConnectors } from "../../durable/confirmed-connectors";

/** How long (ms) after Hull's last confirmation a kept answer may stand in, by default. */
export const KEPT_MAX_AGE_MS = 24 * 3_600_000;
/** A kept connector that did not change is written again after this long (ms). */
const KEPT_REFRESH_MS = 3_600_000;

/** How a caller that cannot wait as long as Hull's REST client does bounds the wait (ADR 032). */
export interface AuthenticateOptions {
  /**
   * How long (ms) to wait for Hull's answer before answering from Hull's last answer, under the
   * rules that govern it when Hull fails: held in memory, or kept (ADR 031) within its maximum
   * age, never for credentials forgotten since or refused by Hull since. Hull's request goes on
   * and refreshes the cache when it answers. Default: none (wait up to the REST client's 10 s).
   */
  budgetMs?: number;
  /**
   * With `budgetMs`: how long (ms) in all to wait for Hull when, at `budgetMs`, no last answer
   * may stand in (there is nothing else to answer with); then RetryableError. Default `budgetMs`;
   * never less than it.
   */
  budgetWithoutLastAnswerMs?: number;
  /** Told (once per call) when the budget ran out and Hull's last answer stood in. */
  onLastAnswerUsed?: () => void;
}

export interface HullAuthenticator {
  /**
   * The connector the credentials belong to, confirmed by Hull; cached briefly. With
   * `options.budgetMs`, Hull's last answer stands in once that many ms passed without an answer.
   * Throws UnauthorizedError (refused) and RetryableError (Hull unreachable, or silent for the
   * budget, and no last answer may stand in).
   */
  authenticate(credentials: HullCredentials, options?: AuthenticateOptions): Promise<HullConnector>;
  forget(credentials: HullCredentials): void;
  /** Credentials held in memory now (confirmed, or being confirmed): for tests and metrics. */
  cachedCount(): number;
}

const HEX24 = /^[0-9a-f]{24}$/i;

/**
 * One string per set of credentials (organization, id and secret, a line each): what in-memory
 * maps of confirmed credentials are keyed by. It holds the secret: never log or store it.
 */
export function credentialsIdentity(credentials: HullCredentials): string {
  return `${credentials.organization}\n${credentials.id}\n${credentials.secret}`;
}

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

/**
 * `asking`'s answer if it comes within `ms` (ms), else undefined; its rejection within `ms` is
 * thrown. `asking` goes on either way.
 */
async function answerWithin<T extends object>(
  asking: Promise<T>,
  ms: number,
): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const spent = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([asking, spent]);
  } finally {
    clearTimeout(timer);
  }
}

/** Hull's answers kept across restarts, for a process that starts while Hull is down (ADR 031). */
export interface KeptConfirmations {
  store: ConfirmedConnectors;
  /** How long (ms) after Hull last confirmed them credentials may still be answered from the store. Default 24 h. */
  maxAgeMs?: number;
  /** A store that failed: the authentication goes on without it. */
  onError?: (error: unknown) => void;
  /** ms since epoch. */
  now?: () => number;
}

/**
 * Confirms query credentials with Hull (GET the connector) and remembers confirmed ones for
 * `ttlMs` (ms) in an LRU of at most `maxEntries`, keyed by a hash of the credentials. Only what
 * Hull confirmed is kept: a refusal is not stored, so forgeries cost no memory; concurrent checks
 * of the same credentials share one request to Hull instead. `transport`: the SSRF-safe fetch for
 * the organization's host (production). While Hull is unreachable, credentials it confirmed
 * before (even more than `ttlMs` ago, while the LRU still holds them) get its last answer; with
 * `kept`, so do credentials it confirmed within `kept.maxAgeMs` before this process started.
 * A caller may bound its wait (`authenticate(credentials, {budgetMs})`, ADR 032): past the budget
 * the same last answer stands in, and Hull's request (one per credentials, shared) goes on.
 * Throws UnauthorizedError (malformed, off the allow-list, or refused by Hull) and RetryableError
 * (Hull unreachable or silent past the budget, and no last answer may stand in).
 */
export function createHullAuthenticator(
  allowedHosts: readonly string[],
  ttlMs = 60_000,
  maxEntries = 1000,
  transport?: SafeFetch,
  kept?: KeptConfirmations,
): HullAuthenticator {
  // A lapsed entry is kept (until the LRU evicts it) as the last answer Hull gave for exactly these
  // credentials: it stands in only while Hull is unreachable (below).
  const confirmed = new LRUCache<string, HullConnector>({
    max: maxEntries,
    ttl: ttlMs,
    noDeleteOnStaleGet: true,
    // Read the clock on each look-up: the default (1 ms) caches it behind a new timer each
    // millisecond, a timer per webhook or two under a burst; a minute's TTL needs no finer saving.
    ttlResolution: 0,
  });
  // Bounded by the requests in flight: each entry leaves when Hull has answered.
  const pending = new Map<string, Promise<HullConnector>>();
  const keyOf = (credentials: HullCredentials) => sha256(credentialsIdentity(credentials));
  // Credentials Hull confirmed, with their key: every webhook authenticates its connector again,
  // and the checks and the SHA-256 were most of what that cost (bench/README.md, CPU hot spots).
  // Kept only once Hull confirmed them, so a forgery costs no memory (found in review: kept on
  // sight, anonymous callers could fill it with secrets Hull refused); cleared at 10,000.
  const checked = new Map<string, string>();
  const checkedKeyOf = (credentials: HullCredentials): string => {
    const known = checked.get(credentialsIdentity(credentials));
    if (known !== undefined) return known;
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
    return keyOf(credentials);
  };
  const remember = (credentials: HullCredentials, key: string) => {
    if (checked.size >= 10_000) checked.clear();
    checked.set(credentialsIdentity(credentials), key);
  };

  // The store is written when the connector changed, or hourly (so the age above stays true),
  // not on every confirmation: a confirmation is a minute's cache miss per connector.
  const keptAt = new Map<string, { json: string; at: number }>();
  const nowMs = () => kept?.now?.() ?? Date.now();
  const keep = (key: string, connector: HullConnector) => {
    if (!kept) return;
    const json = JSON.stringify(keptPartOf(connector));
    const last = keptAt.get(key);
    if (last && last.json === json && nowMs() - last.at < KEPT_REFRESH_MS) return;
    if (keptAt.size >= 10_000) keptAt.clear();
    keptAt.set(key, { json, at: nowMs() });
    kept.store.set(key, { connector, confirmedAtMs: nowMs() }).catch((error: unknown) => {
      keptAt.delete(key);
      kept.onError?.(error);
    });
  };
  // Credentials whose settings changed since Hull last confirmed them here (`forget`, after every
  // settings write): the kept answer predates the change and must not stand in for it, as the
  // in-memory one no longer does, until Hull confirms them again (found in review).
  const forgotten = new LRUCache<string, true>({ max: 10_000 });
  const keptAnswer = async (key: string): Promise<HullConnector | undefined> => {
    if (!kept || forgotten.has(key)) return undefined;
    const found = await kept.store.get(key).catch((error: unknown) => {
      kept.onError?.(error);
      return undefined;
    });
    if (!found || nowMs() - found.confirmedAtMs > (kept.maxAgeMs ?? KEPT_MAX_AGE_MS))
      return undefined;
    return found.connector;
  };

  /** Whether the store holds an answer for `key` (of any age); true when it cannot say. */
  const keptInStore = async (key: string): Promise<boolean> => {
    if (!kept) return false;
    return kept.store.get(key).then(
      (found) => found !== undefined,
      () => true,
    );
  };

  /** Hull's last answer for these credentials, if one may stand in for Hull's (see below). */
  const lastAnswer = async (key: string): Promise<HullConnector | undefined> =>
    confirmed.get(key, { allowStale: true }) ?? (await keptAnswer(key));

  /**
   * `asking` (Hull's answer, shared by every caller of these credentials), or after
   * `options.budgetMs` (ms) without it, Hull's last answer; with no last answer, `asking` for up
   * to `options.budgetWithoutLastAnswerMs` in all, then RetryableError. `asking` is never
   * cancelled: when Hull answers, the cache holds its answer for the next caller.
   */
  async function withinBudget(
    key: string,
    asking: Promise<HullConnector>,
    options: AuthenticateOptions & { budgetMs: number },
  ): Promise<HullConnector> {
    const { budgetMs } = options;
    const answered = await answerWithin(asking, budgetMs);
    if (answered) return answered;
    const last = await lastAnswer(key);
    if (last) {
      options.onLastAnswerUsed?.();
      return last;
    }
    const longest = Math.max(budgetMs, options.budgetWithoutLastAnswerMs ?? budgetMs);
    const late = await answerWithin(asking, longest - budgetMs);
    if (late) return late;
    throw new RetryableError(
      `Hull did not answer within ${longest} ms, and has not confirmed this connector before; retry later`,
    );
  }

  return {
    async authenticate(credentials, options = {}) {
      const key = checkedKeyOf(credentials);
      const cached = confirmed.get(key);
      if (cached) return cached;
      let asking = pending.get(key);
      if (!asking) {
        asking = createHullRestClient(credentials, undefined, transport)
          .getConnector()
          .then((connector) => {
            confirmed.set(key, connector);
            forgotten.delete(key);
            remember(credentials, key);
            keep(key, connector);
            return connector;
          })
          .catch(async (error: unknown) => {
            // Hull unreachable or failing: credentials Hull confirmed before keep its last answer,
            // so a webhook still reaches the outbox rather than a 503 that Intercom retries only
            // once (ADR 003), also in a process started during the outage (ADR 031). A refusal
            // (401, 404) never falls back, and from then on no last answer stands in for these
            // credentials until Hull confirms them again: a caller that stopped waiting at its
            // budget (ADR 032) must not be answered from an answer Hull has since taken back.
            // Only credentials with a last answer to take back are marked: anyone can make Hull
            // refuse made-up secrets, and marks for them would evict the marks `forget` left in
            // the bounded set, bringing back answers from before a settings write (found in review).
            if (error instanceof UnauthorizedError) {
              const heldInMemory = confirmed.delete(key);
              checked.delete(credentialsIdentity(credentials));
              if (kept && (heldInMemory || keptAt.has(key) || (await keptInStore(key))))
                forgotten.set(key, true);
            }
            if (!(error instanceof RetryableError)) throw error;
            const last = await lastAnswer(key);
            if (last) return last;
            throw error;
          })
          .finally(() => pending.delete(key));
        pending.set(key, asking);
      }
      if (options.budgetMs === undefined) return asking;
      return withinBudget(key, asking, { ...options, budgetMs: options.budgetMs });
    },
    forget(credentials) {
      const key = keyOf(credentials);
      confirmed.delete(key);
      checked.delete(credentialsIdentity(credentials));
      if (kept) forgotten.set(key, true);
    },
    cachedCount() {
      return confirmed.size + pending.size;
    },
  };
}
