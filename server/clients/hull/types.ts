/** What identifies one installed connector to Hull. */
export interface HullCredentials {
  id: string;
  organization: string;
  secret: string;
}

export interface HullConnector {
  id: string;
  name?: string;
  settings: Record<string, unknown>;
  private_settings: Record<string, unknown>;
  status?: { status?: string; messages?: string[] };
  [key: string]: unknown;
}

export interface HullSegment {
  id: string;
  name: string;
  type?: string;
  created_at?: string;
  updated_at?: string;
  /** Members counted by Hull (`stats.users`, hull-platform.md §2.3; HullSegmentDefinitionEntry). */
  stats?: { users?: number };
  /** The segment's search query, given back to the extract API unchanged. */
  query?: unknown;
}

/**
 * A node of Hull's attribute tree (`GET /api/v1/search/user_reports/bootstrap`). Leaves are
 * `{id, text, type}` and groups `{text, children}` (minihull src/router.js); hull-client
 * (lib/utils/properties.js) names a node by `id || key` and treats any named node as a leaf.
 */
export interface HullAttributeNode {
  id?: unknown;
  key?: unknown;
  text?: unknown;
  name?: unknown;
  type?: unknown;
  children?: unknown;
}

/** Claims that resolve a Hull user: external_id > email > anonymous_id. */
export interface UserClaims {
  id?: string;
  email?: string;
  external_id?: string;
  anonymous_id?: string;
}

/**
 * Claims that resolve a Hull account: id, external_id, domain, anonymous_id
 * (hull-client lib/filter-claims.js, reference/hull-platform.md §2.2).
 */
export interface AccountClaims {
  id?: string;
  external_id?: string;
  domain?: string;
  anonymous_id?: string;
}

export type AttributeOperation = "set" | "setIfNull" | "inc" | "dec";
export type AttributeValue = unknown | { operation: AttributeOperation; value: unknown };

/**
 * One write to Hull's firehose, before it is signed. `create: false` writes only to a user that
 * already matches the claims (`io.hull.create`, hull-platform.md §2.2). A `traits` entry naming
 * an `account` writes the account's attributes (subject type `account`); with user `claims` too it
 * is hull-client's `asUser(u).account(a)`, which also links the user to that account (§2.2).
 */
export type FirehoseEntry =
  | {
      type: "traits";
      claims: UserClaims;
      account?: AccountClaims;
      body: Record<string, AttributeValue>;
      create?: false;
    }
  | { type: "track"; claims: UserClaims; body: TrackBody; create?: false }
  | { type: "alias"; claims: UserClaims; body: { anonymous_id: string } };

export interface TrackBody {
  event: string;
  properties: Record<string, unknown>;
  event_id: string;
  created_at: string;
  source: string;
  type?: string;
  [key: string]: unknown;
}
