import type { SegmentSnapshot } from "./segment-store.js";

export interface StoredEvent {
  event_id: string;
  event: string;
  properties: Record<string, unknown>;
  context: Record<string, unknown>;
  created_at: string;
}

/** What changed on a user since Hull last told the connector about it. */
export interface PendingChanges {
  isNew: boolean;
  /** attribute → [value before the first change, latest value] */
  attributes: Map<string, [unknown, unknown]>;
  entered: Map<string, SegmentSnapshot>;
  left: Map<string, SegmentSnapshot>;
  events: StoredEvent[];
}

export interface UserRecord {
  id: string;
  external_id: string | null;
  anonymous_ids: string[];
  /** Flat attributes: "email", "name", "intercom/is_lead", "plan"… */
  attributes: Record<string, unknown>;
  segment_ids: string[];
  events: StoredEvent[];
  created_at: string;
  pending: PendingChanges;
}

export interface Claims {
  id?: string;
  email?: string;
  external_id?: string;
  anonymous_id?: string;
}

export const CLAIM_KEYS = ["id", "email", "external_id", "anonymous_id"] as const;

export function emptyPending(isNew: boolean): PendingChanges {
  return { isNew, attributes: new Map(), entered: new Map(), left: new Map(), events: [] };
}

export function userEmail(user: UserRecord): string | null {
  const email = user.attributes.email;
  return typeof email === "string" ? email : null;
}
