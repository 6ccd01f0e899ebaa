import type { AccountClaims, FirehoseEntry, UserClaims } from "./clients/hull/types";

const CLAIM_KEYS = ["id", "email", "external_id", "anonymous_id"] as const;
const ACCOUNT_CLAIM_KEYS = ["id", "external_id", "domain", "anonymous_id"] as const;

/**
 * Whether a value can identify someone in Hull: a string with something other than whitespace.
 * Hull's client refuses a user without a valid claim (hull-client `asUser`, reference/hull-platform.md
 * §2.2); the reference is silent on blank values, which the Hull stand-in refuses
 * (`io.hull.asUser.<claim> must be a non-empty string`) and issue 16 saw refused: we never send one,
 * since one refused entry refuses its whole firehose batch (ADR 010).
 */
export function isIdentifier(value: unknown): value is string {
  return typeof value === "string" && value.trim() !== "";
}

/** Keeps the claims Hull resolves users by (id, email, external_id, anonymous_id), dropping unusable ones. */
export function usableClaims(claims: UserClaims): UserClaims {
  const clean: UserClaims = {};
  for (const key of CLAIM_KEYS) {
    const value = claims[key];
    if (isIdentifier(value)) clean[key] = value;
  }
  return clean;
}

/** Keeps the claims Hull resolves accounts by (id, external_id, domain, anonymous_id). */
export function usableAccountClaims(claims: AccountClaims): AccountClaims {
  const clean: AccountClaims = {};
  for (const key of ACCOUNT_CLAIM_KEYS) {
    const value = claims[key];
    if (isIdentifier(value)) clean[key] = value;
  }
  return clean;
}

export type CheckedEntry = { ok: true; entry: FirehoseEntry } | { ok: false; reason: string };

/**
 * THE rule every write to Hull passes (webhooks, fetches, outbox replays, dead-letter retries all
 * go through the firehose writer, which applies it): blank claims are dropped (cleaned), and an
 * entry left with no claim, or an alias without an anonymous_id, or an event without a name, is
 * refused with a reason before it is sent. Pure.
 */
export function checkEntry(entry: FirehoseEntry): CheckedEntry {
  const claims = usableClaims(entry.claims);
  if (entry.type === "traits" && entry.account !== undefined) {
    // An account write: the account needs a claim; a user, when named, is linked to it.
    const account = usableAccountClaims(entry.account);
    if (Object.keys(account).length === 0)
      return {
        ok: false,
        reason: "no usable account identifier (id, external_id, domain or anonymous_id)",
      };
    return { ok: true, entry: { ...entry, claims, account } };
  }
  if (Object.keys(claims).length === 0)
    return { ok: false, reason: "no usable identifier (id, email, external_id or anonymous_id)" };
  if (entry.type === "alias" && !isIdentifier(entry.body.anonymous_id))
    return { ok: false, reason: "alias without an anonymous_id" };
  if (entry.type === "track" && !isIdentifier(entry.body.event))
    return { ok: false, reason: "event without a name" };
  return { ok: true, entry: { ...entry, claims } as FirehoseEntry };
}
