import { createSecretKey, type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import { isRecord } from "../errors.js";
import { parseAttributeWrite, type AttributeWrite } from "../store/attribute-operation.js";
import { ACCOUNT_CLAIM_KEYS, type AccountClaims } from "../store/account-record.js";
import { CLAIM_KEYS, type Claims } from "../store/user-record.js";
import type { TrackInput } from "../store/user-store.js";

export type FirehoseCommand =
  | { type: "traits"; claims: Claims; create: boolean; writes: Record<string, AttributeWrite> }
  | {
      /** Account traits (subjectType "account"); `linkUser` when the token also names a user. */
      type: "account_traits";
      /** The linked user's claims, `{}` without one. */
      claims: Claims;
      accountClaims: AccountClaims;
      linkUser: boolean;
      create: boolean;
      writes: Record<string, AttributeWrite>;
    }
  | { type: "track"; claims: Claims; create: boolean; track: TrackInput }
  | { type: "alias" | "unalias"; claims: Claims; create: boolean; anonymousId: string };

export type ParsedEntry =
  | { ok: true; command: FirehoseCommand; token: Record<string, unknown> }
  | { ok: false; reason: string; token?: Record<string, unknown> };

// A key object once per secret: a string would be tried as a PEM key on every token (~400 µs).
let cachedKey: { secret: string; key: KeyObject } | undefined;
function keyFor(secret: string): KeyObject {
  if (cachedKey?.secret !== secret)
    cachedKey = { secret, key: createSecretKey(Buffer.from(secret, "utf8")) };
  return cachedKey.key;
}

/** Names that are claims or computed by Hull, never attributes a connector may write. */
const NOT_ATTRIBUTES = new Set([
  "id",
  "external_id",
  "anonymous_id",
  "anonymous_ids",
  "segment_ids",
]);

/**
 * Verifies one firehose entry: its `Hull-Access-Token` is an HS256 JWT signed with the connector
 * secret, `iss` the connector id, `io.hull.asUser` the claims (hull-platform.md §2.2). Like every
 * token hull-client signs (lib/crypto.js `buildToken`/`lookupToken`), it must carry `iat`, and
 * `sub` equal to the Hull id when the claims name one; tokens without them are refused.
 */
export function parseFirehoseEntry(
  entry: unknown,
  connector: { id: string; secret: string },
): ParsedEntry {
  if (!isRecord(entry)) return { ok: false, reason: "entry is not an object" };
  const headers = isRecord(entry.headers) ? entry.headers : {};
  const rawToken = headers["Hull-Access-Token"] ?? headers["hull-access-token"];
  if (typeof rawToken !== "string")
    return { ok: false, reason: "headers.Hull-Access-Token is missing" };
  let token: Record<string, unknown>;
  try {
    const decoded = jwt.verify(rawToken, keyFor(connector.secret), { algorithms: ["HS256"] });
    if (!isRecord(decoded)) return { ok: false, reason: "token payload is not an object" };
    token = decoded;
  } catch (error) {
    return { ok: false, reason: `invalid token: ${(error as Error).message}` };
  }
  const fail = (reason: string): ParsedEntry => ({ ok: false, reason, token });
  if (token.iss !== connector.id)
    return fail(`token iss ${JSON.stringify(token.iss)} is not this connector's id`);
  const subjectType = token["io.hull.subjectType"] ?? "user";
  if (subjectType !== "user" && subjectType !== "account")
    return fail(`io.hull.subjectType ${JSON.stringify(subjectType)} is not "user" or "account"`);
  if (typeof token.iat !== "number") return fail("token has no iat (issued-at, in seconds)");
  if (subjectType === "account") return parseAccountEntry(entry, token, fail);
  const claims = parseClaims(token["io.hull.asUser"]);
  if (typeof claims === "string") return fail(claims);
  if (claims.id !== undefined && token.sub !== claims.id)
    return fail("token names the user by Hull id but its sub is not that id");
  const create = token["io.hull.create"] !== false;
  const command = parseBody(entry.type, entry.body, entry.timestamp, claims, create);
  return typeof command === "string" ? fail(command) : { ok: true, command, token };
}

/**
 * An account entry, as hull-client signs `asAccount(a)` and `asUser(u).account(a)` (lib/lib/crypto.js
 * `lookupToken`): subjectType "account", `io.hull.asAccount` the account claims, `sub` the account's
 * Hull id when named, and with `.account()` also `io.hull.asUser`, which links that user to the
 * account. The traits are the account's: the token's subject decides (hull-platform.md §2.2), though
 * hull-client's doc comment on `account()` speaks of the user (ADR 019). Only `traits` is taken, the
 * one call hull-client's AccountScopedHullClient offers.
 */
function parseAccountEntry(
  entry: Record<string, unknown>,
  token: Record<string, unknown>,
  fail: (reason: string) => ParsedEntry,
): ParsedEntry {
  const accountClaims = parseAccountClaims(token["io.hull.asAccount"]);
  if (typeof accountClaims === "string") return fail(accountClaims);
  if (accountClaims.id !== undefined && token.sub !== accountClaims.id)
    return fail("token names the account by Hull id but its sub is not that id");
  const rawUser = token["io.hull.asUser"];
  const claims = rawUser === undefined ? {} : parseClaims(rawUser);
  if (typeof claims === "string") return fail(claims);
  if (entry.type !== "traits")
    return fail(`account entries take traits only, not ${JSON.stringify(entry.type)}`);
  const command = parseBody("traits", entry.body, entry.timestamp, claims, true);
  if (typeof command === "string") return fail(command);
  if (command.type !== "traits") return fail("account entries take traits only");
  return {
    ok: true,
    token,
    command: {
      type: "account_traits",
      claims,
      accountClaims,
      linkUser: rawUser !== undefined,
      create: token["io.hull.create"] !== false,
      writes: command.writes,
    },
  };
}

function parseAccountClaims(raw: unknown): AccountClaims | string {
  const usage = "io.hull.asAccount needs an id, external_id, domain or anonymous_id";
  if (!isRecord(raw)) return usage;
  const claims: AccountClaims = {};
  for (const key of ACCOUNT_CLAIM_KEYS) {
    const value = raw[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string" || value.trim() === "")
      return `io.hull.asAccount.${key} must be a non-empty string`;
    claims[key] = value;
  }
  return Object.keys(claims).length > 0 ? claims : usage;
}

function parseClaims(raw: unknown): Claims | string {
  const usage = "io.hull.asUser needs an id, email, external_id or anonymous_id";
  if (!isRecord(raw)) return usage;
  const claims: Claims = {};
  for (const key of CLAIM_KEYS) {
    const value = raw[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string" || value.trim() === "")
      return `io.hull.asUser.${key} must be a non-empty string`;
    claims[key] = value;
  }
  return Object.keys(claims).length > 0 ? claims : usage;
}

function parseBody(
  type: unknown,
  body: unknown,
  timestamp: unknown,
  claims: Claims,
  create: boolean,
): FirehoseCommand | string {
  if (!isRecord(body)) return "body must be an object";
  switch (type) {
    case "traits": {
      // Attribute names are the sender's: no prototype, so "__proto__" is an attribute like any other.
      const writes: Record<string, AttributeWrite> = Object.create(null);
      for (const [name, raw] of Object.entries(body)) {
        if (NOT_ATTRIBUTES.has(name)) return `"${name}" is a claim, not an attribute`;
        const write = parseAttributeWrite(raw);
        if (typeof write === "string") return `attribute "${name}": ${write}`;
        writes[name] = write;
      }
      return { type, claims, create, writes };
    }
    case "track": {
      const { event, properties, event_id, created_at, ...context } = body;
      if (typeof event !== "string" || event.trim() === "") return "track body needs an event name";
      if (properties !== undefined && properties !== null && !isRecord(properties)) {
        return "track properties must be an object";
      }
      if (event_id !== undefined && event_id !== null && typeof event_id !== "string") {
        return "track event_id must be a string";
      }
      const createdAt = toIsoDate(created_at ?? timestamp);
      if (createdAt === null) return "track created_at is not a date";
      return {
        type,
        claims,
        create,
        track: {
          event,
          properties: properties ?? {},
          context,
          event_id: event_id ?? undefined,
          created_at: createdAt,
        },
      };
    }
    case "alias":
    case "unalias": {
      const anonymousId = body.anonymous_id;
      if (typeof anonymousId !== "string" || anonymousId.trim() === "") {
        return `${type} body needs an anonymous_id`;
      }
      return { type, claims, create, anonymousId };
    }
    default:
      return `unknown type ${JSON.stringify(type)} (use traits, track, alias or unalias)`;
  }
}

/** Accepts ISO strings, milliseconds and Unix seconds; `undefined` means "now". */
function toIsoDate(raw: unknown): string | undefined | null {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === "number") {
    const ms = raw < 1e12 ? raw * 1000 : raw;
    return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
  }
  if (typeof raw !== "string") return null;
  const date = new Date(raw);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
