import { createHmac, createSecretKey, type KeyObject } from "node:crypto";
import { usableAccountClaims, usableClaims } from "../../hull-entry-rules";
import type { FirehoseEntry, HullCredentials } from "./types";

/** The JOSE header every firehose token carries (RFC 7519 §5; what jsonwebtoken writes for HS256). */
const HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");

/** How long (ms) a signed token is reused for the same connector and claims. */
const TOKEN_REUSE_MS = 60_000;
/**
 * Tokens kept per connector secret; the cache is emptied when it grows past this. A repeat comes
 * from the same few users within seconds (a webhook burst); a fetch never repeats one, and 10,000
 * kept tokens were ~8 MB of its live heap (a heap snapshot, issue 18).
 */
const MAX_TOKENS = 1_000;

interface SigningState {
  key: KeyObject;
  /** Token by its payload without `iat`, with the time (ms) it was signed. */
  tokens: Map<string, { token: string; signedAt: number }>;
}

// A key object once per secret: jsonwebtoken given a string first tried to read it as a PEM key
// (~300 µs a token); signing with node:crypto directly also skips its per-call option checks.
const states = new Map<string, SigningState>();
function stateFor(secret: string): SigningState {
  let state = states.get(secret);
  if (!state) {
    if (states.size > 1000) states.clear();
    state = { key: createSecretKey(Buffer.from(secret, "utf8")), tokens: new Map() };
    states.set(secret, state);
  }
  return state;
}

/**
 * An HS256 JSON Web Token (RFC 7519, RFC 7515 compact form) for `payload`, signed with `key`.
 * Verifiable by jsonwebtoken and by jwt-simple (hull-client's library), as tests check.
 */
export function signHs256(payload: Record<string, unknown>, key: KeyObject): string {
  return signJson(JSON.stringify(payload), key);
}

/** `signHs256` for a payload already serialised as a JSON object. */
function signJson(payloadJson: string, key: KeyObject): string {
  const body = `${HEADER}.${Buffer.from(payloadJson).toString("base64url")}`;
  return `${body}.${createHmac("sha256", key).update(body).digest("base64url")}`;
}

/**
 * The token naming one user for one connector: HS256 with the connector secret, with the claims
 * hull-client's lib/crypto.js `lookupToken` always sends: `iss` (connector id), `iat` (seconds),
 * `io.hull.asUser`, `io.hull.subjectType`, and `sub` when the user is named by its Hull `id`
 * (write-backs by id). The same connector and claims get the same token for up to 60 s, as a
 * hull-client scoped with `asUser` keeps its token (its `iat` is then up to a minute old; tokens
 * carry no expiry, hull-platform.md §2.2). With `keep` false the token is signed afresh and not
 * kept: for a writer whose people each come once (a fetch's pages), where the cache only costs a
 * lookup, an insertion and garbage per entry (~6 µs of a fetch's ~30 µs of work per contact,
 * bench/baselines/pure-work.ts).
 */
export function firehoseToken(
  credentials: HullCredentials,
  claims: FirehoseEntry["claims"],
  create: boolean,
  now: number = Date.now(),
  account?: ReturnType<typeof usableAccountClaims>,
  keep = true,
): string {
  const state = stateFor(credentials.secret);
  // An account write carries asAccount (and asUser only to link that user): hull-client's
  // `asAccount(a)` and `asUser(u).account(a)` (hull-platform.md §2.2).
  const userClaims = claims as Record<string, unknown>;
  const subject = account
    ? {
        iss: credentials.id,
        ...(account.id && Object.keys(userClaims).length === 0 ? { sub: account.id } : {}),
        ...(Object.keys(userClaims).length > 0 ? { "io.hull.asUser": claims } : {}),
        "io.hull.asAccount": account,
        "io.hull.subjectType": "account",
        ...(create ? {} : { "io.hull.create": false }),
      }
    : {
        iss: credentials.id,
        ...(claims.id ? { sub: claims.id } : {}),
        "io.hull.asUser": claims,
        "io.hull.subjectType": "user",
        ...(create ? {} : { "io.hull.create": false }),
      };
  const cacheKey = JSON.stringify(subject);
  const cached = keep ? state.tokens.get(cacheKey) : undefined;
  if (cached && now - cached.signedAt < TOKEN_REUSE_MS && now >= cached.signedAt)
    return cached.token;
  // The signed payload is the subject with `iat` last, as `{...subject, iat}` serialises; built
  // from the cache key's JSON instead of serialising the subject a second time.
  const token = signJson(`${cacheKey.slice(0, -1)},"iat":${Math.floor(now / 1000)}}`, state.key);
  if (!keep) return token;
  if (state.tokens.size >= MAX_TOKENS) state.tokens.clear();
  state.tokens.set(cacheKey, { token, signedAt: now });
  return token;
}

/** The last time (ms) an entry was stamped with, and its ISO string. */
let stamped = { ms: Number.NaN, iso: "" };

/**
 * `now.toISOString()`, kept for the next call: the firehose stamps every entry of a batch with
 * the same `now`, and formatting it again for each entry (~0.4 µs) was a fetch's garbage.
 */
function timestampOf(now: Date): string {
  const ms = now.getTime();
  if (ms !== stamped.ms) stamped = { ms, iso: now.toISOString() };
  return stamped.iso;
}

/**
 * One firehose entry as Hull's firehose reads it: `{type, body, headers: {Hull-Access-Token},
 * timestamp}` (hull-client lib/lib/firehose.js), the token from `firehoseToken` (kept for reuse
 * unless `keepToken` is false). Track bodies get Hull's null `ip`, `url` and `referer` for
 * server-side events.
 */
export function signEntry(
  credentials: HullCredentials,
  entry: FirehoseEntry,
  now = new Date(),
  keepToken = true,
) {
  const claims = usableClaims(entry.claims);
  const create = !("create" in entry && entry.create === false);
  const account =
    entry.type === "traits" && entry.account ? usableAccountClaims(entry.account) : undefined;
  const body =
    entry.type === "track" ? { ip: null, url: null, referer: null, ...entry.body } : entry.body;
  return {
    type: entry.type,
    body,
    headers: {
      "Hull-Access-Token": firehoseToken(
        credentials,
        claims,
        create,
        now.getTime(),
        account,
        keepToken,
      ),
    },
    timestamp: timestampOf(now),
  };
}
