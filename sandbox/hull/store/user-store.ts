import { randomUUID } from "node:crypto";
import { randomObjectId } from "../ids.js";
import { applyAttributeWrite, type AttributeWrite } from "./attribute-operation.js";
import { toSegmentSnapshot, type Segment, type SegmentStore } from "./segment-store.js";
import {
  emptyPending,
  userEmail,
  type Claims,
  type StoredEvent,
  type UserRecord,
} from "./user-record.js";
import { segmentMatches } from "./segment-matches.js";

export interface TrackInput {
  event: string;
  properties: Record<string, unknown>;
  context: Record<string, unknown>;
  event_id?: string;
  created_at?: string;
}

/** Why an identity or alias operation did nothing. */
export class IdentityConflict extends Error {}

const normalizeEmail = (email: string) => email.trim().toLowerCase();

/**
 * Hull's user store: identity resolution (external_id > email > anonymous_id), merges, attribute
 * operations, events and segment membership, with the changes each user has pending for the next
 * `user:update` notification (hull-platform.md §2.2, §2.3, §2.8).
 */
export class UserStore {
  private readonly users = new Map<string, UserRecord>();
  private readonly byExternalId = new Map<string, string>();
  private readonly byEmail = new Map<string, string>();
  private readonly byAnonymousId = new Map<string, string>();
  private readonly mergedInto = new Map<string, string>();

  constructor(
    private readonly segments: SegmentStore,
    private readonly onChange: (userId: string) => void = () => {},
  ) {}

  list(): UserRecord[] {
    return [...this.users.values()];
  }

  /** A user by id, following merges (a merged-away id leads to the surviving user). */
  get(id: string): UserRecord | undefined {
    let current = id;
    for (let hops = 0; hops < 100 && this.mergedInto.has(current); hops++) {
      current = this.mergedInto.get(current)!;
    }
    return this.users.get(current);
  }

  clear(): void {
    for (const map of [this.users, this.byExternalId, this.byEmail, this.byAnonymousId])
      map.clear();
    this.mergedInto.clear();
  }

  /** Finds the user for these claims, merging the users they point to; creates one when allowed. */
  resolve(claims: Claims, create = true): UserRecord | undefined {
    const conflicts = (user: UserRecord) =>
      Boolean(claims.external_id && user.external_id && user.external_id !== claims.external_id);
    const found = [
      claims.id ? this.get(claims.id) : undefined,
      this.lookup(this.byExternalId, claims.external_id),
      this.lookup(this.byEmail, claims.email && normalizeEmail(claims.email)),
      this.lookup(this.byAnonymousId, claims.anonymous_id),
    ];
    // A match by a weaker claim is another person when it carries another external_id.
    const candidates = [
      ...new Set(
        found.filter((user, rank): user is UserRecord => !!user && (rank < 2 || !conflicts(user))),
      ),
    ];
    if (
      candidates.length === 0 &&
      claims.id &&
      !claims.email &&
      !claims.external_id &&
      !claims.anonymous_id
    ) {
      return undefined;
    }
    let user = candidates[0];
    if (!user) {
      if (!create) return undefined;
      user = this.createUser();
    }
    for (const other of candidates.slice(1)) this.merge(user, other);
    this.addClaims(user, claims);
    this.refreshMembership(user);
    return user;
  }

  /** Adds an anonymous id to a user, merging the user who holds it (never two external_ids). */
  alias(user: UserRecord, anonymousId: string): void {
    const holder = this.lookup(this.byAnonymousId, anonymousId);
    if (holder === user) return;
    if (holder) {
      if (!this.canMerge(user, holder)) {
        throw new IdentityConflict(`${anonymousId} belongs to a user with another external_id`);
      }
      this.merge(user, holder);
    } else {
      this.addAnonymousId(user, anonymousId);
    }
    this.refreshMembership(user);
    this.onChange(user.id);
  }

  unalias(user: UserRecord, anonymousId: string): void {
    if (!user.anonymous_ids.includes(anonymousId)) return;
    user.anonymous_ids = user.anonymous_ids.filter((id) => id !== anonymousId);
    this.byAnonymousId.delete(anonymousId);
    this.onChange(user.id);
  }

  /** Applies attribute writes; returns whether anything changed. */
  applyTraits(user: UserRecord, writes: Record<string, AttributeWrite>): boolean {
    let changed = false;
    for (const [name, write] of Object.entries(writes)) {
      const before = user.attributes[name];
      const after = applyAttributeWrite(before, write);
      if (JSON.stringify(before) === JSON.stringify(after)) continue;
      this.setAttribute(user, name, after);
      changed = true;
    }
    if (changed) {
      this.refreshMembership(user);
      this.onChange(user.id);
    }
    return changed;
  }

  /** Records an event unless the user already has one with the same event_id. */
  track(user: UserRecord, input: TrackInput): boolean {
    const eventId = input.event_id ?? randomUUID();
    if (user.events.some((event) => event.event_id === eventId)) return false;
    this.recordEvent(user, {
      event_id: eventId,
      event: input.event,
      properties: input.properties,
      context: input.context,
      created_at: input.created_at ?? new Date().toISOString(),
    });
    this.refreshMembership(user);
    this.onChange(user.id);
    return true;
  }

  /** Re-evaluates every user's segments (after a segment was created). */
  refreshAll(): void {
    for (const user of this.users.values()) this.refreshMembership(user);
  }

  /** Makes every member leave a segment that is about to be deleted. */
  leaveSegment(segment: Segment): void {
    for (const user of this.users.values()) {
      if (user.segment_ids.includes(segment.id)) this.leave(user, segment);
    }
  }

  private lookup(index: Map<string, string>, key: string | undefined): UserRecord | undefined {
    const id = key ? index.get(key) : undefined;
    return id ? this.users.get(id) : undefined;
  }

  private createUser(): UserRecord {
    const user: UserRecord = {
      id: randomObjectId(),
      external_id: null,
      anonymous_ids: [],
      attributes: Object.create(null) as Record<string, unknown>, // keyed by attribute names (input)
      segment_ids: [],
      events: [],
      created_at: new Date().toISOString(),
      pending: emptyPending(true),
    };
    this.users.set(user.id, user);
    this.onChange(user.id);
    return user;
  }

  private canMerge(a: UserRecord, b: UserRecord): boolean {
    return !(a.external_id && b.external_id && a.external_id !== b.external_id);
  }

  /** Claims that the user lacks are set on it ("adding an email claim sets the email"). */
  private addClaims(user: UserRecord, claims: Claims): void {
    if (claims.external_id && !user.external_id && !this.byExternalId.has(claims.external_id)) {
      user.external_id = claims.external_id;
      this.byExternalId.set(claims.external_id, user.id);
      this.onChange(user.id);
    }
    if (claims.email && !userEmail(user)) {
      this.setAttribute(user, "email", claims.email);
      this.onChange(user.id);
    }
    if (claims.anonymous_id && !this.byAnonymousId.has(claims.anonymous_id)) {
      this.addAnonymousId(user, claims.anonymous_id);
      this.onChange(user.id);
    }
  }

  private addAnonymousId(user: UserRecord, anonymousId: string): void {
    user.anonymous_ids.push(anonymousId);
    this.byAnonymousId.set(anonymousId, user.id);
  }

  /** Folds `loser` into `winner`: aliases, missing attributes and events move over. */
  private merge(winner: UserRecord, loser: UserRecord): void {
    if (!this.canMerge(winner, loser)) return;
    for (const anonymousId of loser.anonymous_ids) this.addAnonymousId(winner, anonymousId);
    if (!winner.external_id && loser.external_id) {
      winner.external_id = loser.external_id;
      this.byExternalId.set(loser.external_id, winner.id);
    }
    for (const [name, value] of Object.entries(loser.attributes)) {
      if (winner.attributes[name] === undefined || winner.attributes[name] === null) {
        this.setAttribute(winner, name, value);
      }
    }
    const known = new Set(winner.events.map((event) => event.event_id));
    const moved = loser.events.filter((event) => !known.has(event.event_id));
    winner.events = [...winner.events, ...moved].sort((a, b) =>
      a.created_at.localeCompare(b.created_at),
    );
    winner.pending.events.push(
      ...loser.pending.events.filter((event) => !known.has(event.event_id)),
    );
    if (loser.created_at < winner.created_at) winner.created_at = loser.created_at;
    const loserEmail = userEmail(loser);
    if (loserEmail && this.byEmail.get(normalizeEmail(loserEmail)) === loser.id) {
      this.byEmail.set(normalizeEmail(loserEmail), winner.id);
    }
    this.users.delete(loser.id);
    this.mergedInto.set(loser.id, winner.id);
    this.onChange(winner.id);
  }

  private setAttribute(user: UserRecord, name: string, value: unknown): void {
    const before = user.attributes[name];
    if (value === null || value === undefined) delete user.attributes[name];
    else user.attributes[name] = value;
    const pending = user.pending.attributes.get(name);
    user.pending.attributes.set(name, [pending ? pending[0] : (before ?? null), value ?? null]);
    if (name === "email") this.reindexEmail(user, before, value);
  }

  private reindexEmail(user: UserRecord, before: unknown, after: unknown): void {
    if (typeof before === "string" && this.byEmail.get(normalizeEmail(before)) === user.id) {
      this.byEmail.delete(normalizeEmail(before));
    }
    if (typeof after === "string" && !this.byEmail.has(normalizeEmail(after))) {
      this.byEmail.set(normalizeEmail(after), user.id);
    }
  }

  private recordEvent(user: UserRecord, event: StoredEvent): void {
    user.events.push(event);
    user.pending.events.push(event);
  }

  /** Hull records "Entered segment" / "Left segment" events as membership changes. */
  private refreshMembership(user: UserRecord): void {
    for (const segment of this.segments.list()) {
      const member = user.segment_ids.includes(segment.id);
      const matches = segmentMatches(user, segment.query);
      if (matches && !member) this.enter(user, segment);
      if (!matches && member) this.leave(user, segment);
    }
  }

  private enter(user: UserRecord, segment: Segment): void {
    user.segment_ids.push(segment.id);
    if (user.pending.left.has(segment.id)) user.pending.left.delete(segment.id);
    else user.pending.entered.set(segment.id, toSegmentSnapshot(segment));
    this.recordSegmentEvent(user, "Entered segment", segment);
  }

  private leave(user: UserRecord, segment: Segment): void {
    user.segment_ids = user.segment_ids.filter((id) => id !== segment.id);
    if (user.pending.entered.has(segment.id)) user.pending.entered.delete(segment.id);
    else user.pending.left.set(segment.id, toSegmentSnapshot(segment));
    this.recordSegmentEvent(user, "Left segment", segment);
  }

  private recordSegmentEvent(user: UserRecord, event: string, segment: Segment): void {
    this.recordEvent(user, {
      event_id: randomUUID(),
      event,
      properties: { id: segment.id, name: segment.name },
      context: { source: "hull", event_type: "segment" },
      created_at: new Date().toISOString(),
    });
    this.onChange(user.id);
  }
}
