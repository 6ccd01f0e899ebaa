/**
 * A Hull account (hull-platform.md §2.2, §2.3): identified by the account claims `id`,
 * `external_id`, `domain` and `anonymous_id` (hull-client lib/lib/configuration.js filters them so),
 * with flat attributes and account segment membership.
 */
export interface AccountClaims {
  id?: string;
  external_id?: string;
  domain?: string;
  anonymous_id?: string;
}

export const ACCOUNT_CLAIM_KEYS = ["id", "external_id", "domain", "anonymous_id"] as const;

/** The segment object of account notifications: `type: "accounts_segment"` (hull-platform.md §2.3). */
export interface AccountSegmentSnapshot {
  id: string;
  name: string;
  type: "accounts_segment";
  created_at: string;
  updated_at: string;
}

export interface AccountPending {
  isNew: boolean;
  /** attribute → [value before the first change, latest value] */
  attributes: Map<string, [unknown, unknown]>;
  entered: Map<string, AccountSegmentSnapshot>;
  left: Map<string, AccountSegmentSnapshot>;
}

export interface AccountRecord {
  id: string;
  external_id: string | null;
  domain: string | null;
  anonymous_ids: string[];
  /** Flat attributes: "name", "intercom/id", "plan"… */
  attributes: Record<string, unknown>;
  segment_ids: string[];
  created_at: string;
  pending: AccountPending;
}

export function emptyAccountPending(isNew: boolean): AccountPending {
  return { isNew, attributes: new Map(), entered: new Map(), left: new Map() };
}

/**
 * An account as Hull reports it to connectors: claims and attributes at the top level, no `traits_`
 * prefix ("the account report, whose keys have no traits_ prefix", hull-platform.md §2.3).
 */
export function toAccountReport(account: AccountRecord): Record<string, unknown> {
  return {
    id: account.id,
    external_id: account.external_id,
    domain: account.domain,
    anonymous_ids: [...account.anonymous_ids],
    name: null,
    created_at: account.created_at,
    segment_ids: [...account.segment_ids],
    indexed_at: new Date().toISOString(),
    ...account.attributes,
  };
}
