import { randomObjectId } from "../ids.js";
import { applyAttributeWrite, type AttributeWrite } from "./attribute-operation.js";
import {
  emptyAccountPending,
  type AccountClaims,
  type AccountPending,
  type AccountRecord,
  type AccountSegmentSnapshot,
} from "./account-record.js";
import type { Segment, SegmentStore } from "./segment-store.js";

export function toAccountSegmentSnapshot(segment: Segment): AccountSegmentSnapshot {
  return {
    id: segment.id,
    name: segment.name,
    type: "accounts_segment",
    created_at: segment.created_at,
    updated_at: segment.updated_at,
  };
}

/** The value an account segment condition or extract query compares, by flat attribute name. */
export function accountAttributeValue(account: AccountRecord, name: string): unknown {
  if (name === "id") return account.id;
  if (name === "external_id") return account.external_id;
  if (name === "domain") return account.domain ?? account.attributes.domain;
  if (name === "anonymous_ids") return account.anonymous_ids;
  return Object.hasOwn(account.attributes, name) ? account.attributes[name] : undefined;
}

export function accountMatches(account: AccountRecord, query: Record<string, unknown>): boolean {
  return Object.entries(query).every(
    ([name, expected]) =>
      JSON.stringify(accountAttributeValue(account, name) ?? null) === JSON.stringify(expected),
  );
}

/**
 * Hull's accounts: resolution by claims (id > external_id > domain > anonymous_id, the first one
 * found wins; the sandbox does not merge accounts), attribute operations, account segments
 * (a conjunction of equalities, or accounts a test put in), the users linked to each account, and
 * the changes each account has pending for the next `account:update` (hull-platform.md §2.2-2.5).
 */
export class AccountStore {
  private readonly accounts = new Map<string, AccountRecord>();
  private readonly byExternalId = new Map<string, string>();
  private readonly byDomain = new Map<string, string>();
  private readonly byAnonymousId = new Map<string, string>();
  /** user id → account id: a user belongs to one account at most. */
  private readonly accountOfUser = new Map<string, string>();
  /** segment id → account ids put in by the sandbox control, whatever the query says. */
  private readonly members = new Map<string, Set<string>>();
  /**
   * user id → what changed on the user's account since the user's last `user:update`, whose
   * `changes.account` and `changes.account_segments` carry it (hull-platform.md §2.3).
   */
  private readonly userPending = new Map<string, AccountPending>();

  constructor(
    readonly segments: SegmentStore,
    private readonly onChange: (accountId: string) => void = () => {},
  ) {}

  list(): AccountRecord[] {
    return [...this.accounts.values()];
  }

  get(id: string): AccountRecord | undefined {
    return this.accounts.get(id);
  }

  clear(): void {
    for (const map of [this.accounts, this.byExternalId, this.byDomain, this.byAnonymousId])
      map.clear();
    this.accountOfUser.clear();
    this.members.clear();
    this.userPending.clear();
  }

  /** The account changes a user's next `user:update` reports, then forgotten. */
  takeUserPending(userId: string): AccountPending | undefined {
    const pending = this.userPending.get(userId);
    this.userPending.delete(userId);
    return pending;
  }

  /** Records a change of an account for its account:update and for each of its users. */
  private record(account: AccountRecord, change: (pending: AccountPending) => void): void {
    change(account.pending);
    for (const userId of this.userIdsOf(account.id)) {
      let pending = this.userPending.get(userId);
      if (!pending) {
        pending = emptyAccountPending(false);
        this.userPending.set(userId, pending);
      }
      change(pending);
    }
  }

  /** Finds the account for these claims and adds the claims it lacks; creates one when allowed. */
  resolve(claims: AccountClaims, create = true): AccountRecord | undefined {
    const lookup = (index: Map<string, string>, key: string | undefined) =>
      key === undefined ? undefined : this.accounts.get(index.get(key) ?? "");
    let account =
      (claims.id ? this.accounts.get(claims.id) : undefined) ??
      lookup(this.byExternalId, claims.external_id) ??
      lookup(this.byDomain, claims.domain?.toLowerCase()) ??
      lookup(this.byAnonymousId, claims.anonymous_id);
    if (!account) {
      // A Hull id alone names an existing account; it never creates one.
      if (!create || (claims.id && !claims.external_id && !claims.domain && !claims.anonymous_id))
        return undefined;
      account = {
        id: randomObjectId(),
        external_id: null,
        domain: null,
        anonymous_ids: [],
        // Keyed by attribute names (input): no prototype, so "__proto__" is an attribute like any other.
        attributes: Object.create(null) as Record<string, unknown>,
        segment_ids: [],
        created_at: new Date().toISOString(),
        pending: emptyAccountPending(true),
      };
      this.accounts.set(account.id, account);
      this.onChange(account.id);
    }
    this.addClaims(account, claims);
    this.refreshMembership(account);
    return account;
  }

  private addClaims(account: AccountRecord, claims: AccountClaims): void {
    if (claims.external_id && !account.external_id && !this.byExternalId.has(claims.external_id)) {
      account.external_id = claims.external_id;
      this.byExternalId.set(claims.external_id, account.id);
    }
    const domain = claims.domain?.toLowerCase();
    if (domain && !account.domain && !this.byDomain.has(domain)) {
      account.domain = domain;
      this.byDomain.set(domain, account.id);
    }
    const anonymousId = claims.anonymous_id;
    if (anonymousId && !this.byAnonymousId.has(anonymousId)) {
      account.anonymous_ids.push(anonymousId);
      this.byAnonymousId.set(anonymousId, account.id);
    }
  }

  /** Applies attribute writes; returns whether anything changed. */
  applyTraits(account: AccountRecord, writes: Record<string, AttributeWrite>): boolean {
    let changed = false;
    for (const [name, write] of Object.entries(writes)) {
      const before = account.attributes[name];
      const after = applyAttributeWrite(before, write);
      if (JSON.stringify(before) === JSON.stringify(after)) continue;
      this.record(account, (pending) => {
        const earlier = pending.attributes.get(name);
        pending.attributes.set(name, [earlier ? earlier[0] : (before ?? null), after]);
      });
      if (after === null || after === undefined) delete account.attributes[name];
      else account.attributes[name] = after;
      changed = true;
    }
    if (changed) {
      this.refreshMembership(account);
      this.onChange(account.id);
    }
    return changed;
  }

  /** Links a user to an account (asUser(u).account(a)); a user belongs to one account. */
  link(userId: string, account: AccountRecord): boolean {
    if (this.accountOfUser.get(userId) === account.id) return false;
    this.accountOfUser.set(userId, account.id);
    return true;
  }

  accountOf(userId: string): AccountRecord | undefined {
    const id = this.accountOfUser.get(userId);
    return id === undefined ? undefined : this.accounts.get(id);
  }

  userIdsOf(accountId: string): string[] {
    return [...this.accountOfUser].filter(([, id]) => id === accountId).map(([userId]) => userId);
  }

  /** Puts accounts in a segment whatever its query says (sandbox control); returns those changed. */
  addMembers(segment: Segment, accountIds: string[]): AccountRecord[] {
    const set = this.members.get(segment.id) ?? new Set<string>();
    this.members.set(segment.id, set);
    const changed: AccountRecord[] = [];
    for (const id of accountIds) {
      set.add(id);
      const account = this.accounts.get(id);
      if (account && !account.segment_ids.includes(segment.id)) {
        this.refreshMembership(account);
        this.onChange(account.id);
        changed.push(account);
      }
    }
    return changed;
  }

  /** Re-evaluates every account (after a segment is created, changed or deleted). */
  refreshAll(): void {
    for (const account of this.accounts.values()) {
      const before = account.segment_ids.join(",");
      this.refreshMembership(account);
      if (account.segment_ids.join(",") !== before) this.onChange(account.id);
    }
  }

  forgetSegment(segmentId: string): void {
    this.members.delete(segmentId);
    for (const account of this.accounts.values())
      account.segment_ids = account.segment_ids.filter((id) => id !== segmentId);
  }

  private refreshMembership(account: AccountRecord): void {
    for (const segment of this.segments.list()) {
      const member = account.segment_ids.includes(segment.id);
      const matches =
        this.members.get(segment.id)?.has(account.id) === true ||
        (Object.keys(segment.query).length > 0 && accountMatches(account, segment.query));
      if (matches && !member) {
        account.segment_ids.push(segment.id);
        this.record(account, (pending) => {
          if (pending.left.has(segment.id)) pending.left.delete(segment.id);
          else pending.entered.set(segment.id, toAccountSegmentSnapshot(segment));
        });
      }
      if (!matches && member) {
        account.segment_ids = account.segment_ids.filter((id) => id !== segment.id);
        this.record(account, (pending) => {
          if (pending.entered.has(segment.id)) pending.entered.delete(segment.id);
          else pending.left.set(segment.id, toAccountSegmentSnapshot(segment));
        });
      }
    }
  }
}
