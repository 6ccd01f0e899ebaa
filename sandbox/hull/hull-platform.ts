import { randomObjectId } from "./ids.js";
import { isRecord } from "./errors.js";
import { toConnectorObject, type ConnectorObject, type ConnectorState } from "./connector.js";
import { createSigningKeys, signNotification, type SigningKeys } from "./notifier/signing-keys.js";
import { NotificationSender } from "./notifier/notification-sender.js";
import { takeAccountUpdateMessage } from "./notifier/account-update-message.js";
import { takeUserUpdateMessage } from "./notifier/user-update-message.js";
import { toAccountReport, type AccountRecord } from "./store/account-record.js";
import { AccountStore, accountMatches, toAccountSegmentSnapshot } from "./store/account-store.js";
import { SegmentStore, toSegmentSnapshot, type Segment } from "./store/segment-store.js";
import { toSearchQuery } from "./store/segment-query.js";
import { UserStore } from "./store/user-store.js";
import type { UserRecord } from "./store/user-record.js";
import { toUserReport } from "./store/user-report.js";

export interface FirehoseLogEntry {
  received_at: string;
  type: unknown;
  body: unknown;
  claims: Record<string, unknown> | null;
  accepted: boolean;
  error?: string;
  note?: string;
}

export interface PlatformOptions {
  manifest: Record<string, unknown>;
  connector: ConnectorState;
  notifyDelayMs: number;
  retryLimit: number;
  notifyTimeoutMs: number;
}

/**
 * Everything one Hull organization holds for the sandbox: the installed connector, users,
 * segments, the notifier and extracts. Routes are thin views over it.
 */
export class HullPlatform {
  readonly manifest: Record<string, unknown>;
  readonly connector: ConnectorState;
  readonly segments = new SegmentStore();
  readonly users: UserStore;
  /** Account segments: the same store kind as users segments, shown as `accounts_segment`s. */
  readonly accountSegments = new SegmentStore();
  readonly accounts: AccountStore;
  readonly keys: SigningKeys = createSigningKeys();
  readonly sender: NotificationSender;
  readonly firehoseLog: FirehoseLogEntry[] = [];
  /** An outage or slowness of the firehose, set through POST /_sandbox/faults. */
  firehoseFault?: { status?: number; delayMs?: number; remaining?: number };
  /**
   * Hull's extract request API failing (`POST extract/user_reports` answers this status), set
   * through POST /_sandbox/faults `{extract_status}`: a Hull outage, as any of its APIs can have.
   */
  extractFaultStatus?: number;
  /** Every organization API call (`/api/v1/…`) failing with this status: a Hull outage. */
  apiFaultStatus?: number;
  /**
   * Organization API calls (`/api/v1/…`) held unanswered until the hang is cleared (`api_hang` in
   * POST /_sandbox/faults; /reset and close clear it too): Hull hanging rather than refusing. A
   * sandbox control with no Hull counterpart, for tests of what the connector does while it waits.
   */
  private apiHang?: { released: Promise<void>; release: () => void };
  /** Held calls whose caller still waits: not yet released, and their connection still open. */
  private apiHeldCount = 0;
  /**
   * Downloads of extract files failing (the file URL answers `status`) for the next `remaining`
   * downloads, set through POST /_sandbox/faults `{extract_download: {status, count}}`: the
   * storage behind Hull's extract links (S3) answering 503 "Slow Down" or 500 now and then.
   */
  extractDownloadFault?: { status: number; remaining: number };
  /** Firehose entries whose io.hull.asUser has one of these claim values are refused (a bad record). */
  refusedClaims?: Record<string, string>;
  readonly extracts = new Map<string, string>();
  readonly platformId: string;
  readonly deploymentId: string;
  baseUrl = "";
  private readonly dirty = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly dirtyAccounts = new Set<string>();
  private accountFlushTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: PlatformOptions) {
    this.manifest = options.manifest;
    this.connector = options.connector;
    this.platformId = randomObjectId();
    this.deploymentId = randomObjectId();
    this.users = new UserStore(this.segments, (id) => this.userChanged(id));
    this.accounts = new AccountStore(this.accountSegments, (id) => this.accountChanged(id));
    this.sender = new NotificationSender({
      target: () => (this.connector.connectorUrl ? this.subscriptionUrl() : undefined),
      envelope: (channel, notificationId, messages) => ({
        notification_id: notificationId,
        configuration: {
          id: this.connector.id,
          organization: this.connector.organization,
          secret: this.connector.secret,
        },
        channel,
        connector: this.connectorObject(),
        segments: this.segmentObjects(),
        accounts_segments: this.accountSegmentObjects(),
        messages,
      }),
      headers: (notificationId) => ({
        "x-hull-smart-notifier": "true",
        "x-hull-smart-notifier-signature-version": "v1",
        "x-hull-smart-notifier-signature": signNotification(
          this.keys,
          notificationId,
          this.connector.organization,
        ),
        "x-hull-smart-notifier-signature-public-key-url": `${this.baseUrl}/api/v1/smart_notifier/public_key`,
        "x-hull-request-id": `smart-notifier:${Math.floor(Date.now() / 1000)}:${notificationId}`,
      }),
      retryLimit: options.retryLimit,
      timeoutMs: options.notifyTimeoutMs,
    });
  }

  connectorObject(): ConnectorObject {
    return toConnectorObject(this.connector, this.manifest);
  }

  /** Segments as `GET /api/v1/users_segments` and notifications show them. */
  segmentObjects() {
    const users = this.users.list();
    return this.segments.list().map((segment) => ({
      ...toSegmentSnapshot(segment),
      stats: { users: users.filter((user) => user.segment_ids.includes(segment.id)).length },
      query: toSearchQuery(segment.query),
    }));
  }

  /** Account segments as `GET /api/v1/accounts_segments` and notifications show them. */
  accountSegmentObjects() {
    const accounts = this.accounts.list();
    return this.accountSegments.list().map((segment) => ({
      ...toAccountSegmentSnapshot(segment),
      stats: {
        accounts: accounts.filter((account) => account.segment_ids.includes(segment.id)).length,
      },
      query: toSearchQuery(segment.query),
    }));
  }

  /** The account a user belongs to, as user reports carry it (`account`), or `{}`. */
  accountReportOf(userId: string): Record<string, unknown> {
    const account = this.accounts.accountOf(userId);
    return account ? toAccountReport(account) : {};
  }

  /** A user was linked to an account: its next `user:update` carries the account. */
  userLinked(userId: string): void {
    this.userChanged(userId);
  }

  setConnectorUrl(url: string): void {
    this.connector.connectorUrl = url.replace(/\/+$/, "");
    this.sender.kick();
  }

  // --- notifications -------------------------------------------------------------------------

  private subscriptionUrl(): string {
    const subscription = this.subscription();
    const path = typeof subscription?.url === "string" ? subscription.url : "/smart-notifier";
    return `${this.connector.connectorUrl}${path}`;
  }

  private subscription(): Record<string, unknown> | undefined {
    const subscriptions = this.manifest.subscriptions;
    return Array.isArray(subscriptions) ? subscriptions.find(isRecord) : undefined;
  }

  /** `conditions.channels.only` in the manifest: channels Hull will not send are dropped here. */
  channelSubscribed(channel: string): boolean {
    const conditions = this.subscription()?.conditions;
    const only =
      isRecord(conditions) && isRecord(conditions.channels) ? conditions.channels.only : undefined;
    return Array.isArray(only) ? only.includes(channel) : true;
  }

  /**
   * `conditions.segments["user:update"]`, e.g. `["private_settings.synchronized_segments"]`,
   * resolved against the settings: the segment ids a user must be in; undefined = everybody.
   */
  private userUpdateSegmentFilter(): Set<string> | undefined {
    const conditions = this.subscription()?.conditions;
    const paths =
      isRecord(conditions) && isRecord(conditions.segments)
        ? conditions.segments["user:update"]
        : undefined;
    if (!Array.isArray(paths)) return undefined;
    const connector = this.connectorObject() as unknown as Record<string, unknown>;
    const ids = new Set<string>();
    for (const path of paths) {
      const [scope, name] = String(path).split(".");
      const settings = connector[scope!];
      const value = isRecord(settings) ? settings[name!] : undefined;
      if (Array.isArray(value)) for (const id of value) ids.add(String(id));
    }
    return ids;
  }

  /**
   * What the notifier still has to do: users and accounts whose changes are being gathered (sent
   * after `notifyDelayMs`), messages queued, a batch out. All empty: nothing more will be sent
   * until something changes.
   */
  notifierState(): { gathering: number; queued: number; sending: boolean } {
    return { gathering: this.dirty.size + this.dirtyAccounts.size, ...this.sender.state() };
  }

  private userChanged(id: string): void {
    this.dirty.add(id);
    this.flushTimer ??= setTimeout(() => this.flushUserUpdates(), this.options.notifyDelayMs);
  }

  /** Sends the gathered automatic `user:update`s to users the subscription's condition selects. */
  flushUserUpdates(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const filter = this.userUpdateSegmentFilter();
    const selected: UserRecord[] = [];
    for (const id of this.dirty) {
      const user = this.users.get(id);
      if (!user || selected.includes(user)) continue;
      // A user who just left a synchronized segment is still told, so that the connector can react.
      const relevant = [...user.segment_ids, ...user.pending.left.keys()];
      if (!filter || relevant.some((segmentId) => filter.has(segmentId))) selected.push(user);
      else {
        takeUserUpdateMessage(user, [], this.connector.id);
        this.accounts.takeUserPending(user.id);
      }
    }
    this.dirty.clear();
    this.sendUserUpdates(selected);
  }

  /** Sends `user:update` for these users now (a manual send skips the segment condition). */
  sendUserUpdates(users: UserRecord[]): void {
    if (!this.channelSubscribed("user:update")) return;
    const segments = this.segments.list();
    this.sender.enqueue(
      "user:update",
      users.map((user) => ({
        message: this.withAccount(takeUserUpdateMessage(user, segments, this.connector.id), user),
        userId: user.id,
      })),
    );
  }

  /**
   * A user message's `account`, `account_segments` and `account_segment_ids` from its account, and
   * in `changes.account` / `changes.account_segments` what changed on that account since the user's
   * last message (hull-platform.md §2.3).
   */
  private withAccount(message: Record<string, unknown>, user: UserRecord) {
    const account = this.accounts.accountOf(user.id);
    if (!account) return message;
    const pending = this.accounts.takeUserPending(user.id);
    const changes = { ...(message.changes as Record<string, unknown>) };
    if (pending) {
      const accountChanges: Record<string, [unknown, unknown]> = {};
      for (const [name, [before, after]] of pending.attributes)
        if (JSON.stringify(before) !== JSON.stringify(after))
          accountChanges[name] = [before, after];
      const segmentChanges: Record<string, unknown[]> = {};
      if (pending.entered.size > 0) segmentChanges.entered = [...pending.entered.values()];
      if (pending.left.size > 0) segmentChanges.left = [...pending.left.values()];
      changes.account = accountChanges;
      changes.account_segments = segmentChanges;
    }
    return {
      ...message,
      changes,
      account: toAccountReport(account),
      account_segments: this.accountSegments
        .list()
        .filter((segment) => account.segment_ids.includes(segment.id))
        .map(toAccountSegmentSnapshot),
      account_segment_ids: [...account.segment_ids],
    };
  }

  /** An account changed: its `account:update`, and a `user:update` for each of its users. */
  private accountChanged(id: string): void {
    for (const userId of this.accounts.userIdsOf(id)) this.userChanged(userId);
    this.dirtyAccounts.add(id);
    this.accountFlushTimer ??= setTimeout(
      () => this.flushAccountUpdates(),
      this.options.notifyDelayMs,
    );
  }

  /**
   * `conditions.segments["account:update"]` resolved against the settings, like the user one: the
   * account segment ids an account must be in (or just have left); undefined = every account.
   */
  private accountUpdateSegmentFilter(): Set<string> | undefined {
    const conditions = this.subscription()?.conditions;
    const paths =
      isRecord(conditions) && isRecord(conditions.segments)
        ? conditions.segments["account:update"]
        : undefined;
    if (!Array.isArray(paths)) return undefined;
    const connector = this.connectorObject() as unknown as Record<string, unknown>;
    const ids = new Set<string>();
    for (const path of paths) {
      const [scope, name] = String(path).split(".");
      const settings = connector[scope!];
      const value = isRecord(settings) ? settings[name!] : undefined;
      if (Array.isArray(value)) for (const id of value) ids.add(String(id));
    }
    return ids;
  }

  /** Sends the gathered automatic `account:update`s to accounts the subscription's condition selects. */
  flushAccountUpdates(): void {
    clearTimeout(this.accountFlushTimer);
    this.accountFlushTimer = undefined;
    const filter = this.accountUpdateSegmentFilter();
    const selected: AccountRecord[] = [];
    for (const id of this.dirtyAccounts) {
      const account = this.accounts.get(id);
      if (!account) continue;
      const relevant = [...account.segment_ids, ...account.pending.left.keys()];
      if (!filter || relevant.some((segmentId) => filter.has(segmentId))) selected.push(account);
      else takeAccountUpdateMessage(account, []);
    }
    this.dirtyAccounts.clear();
    this.sendAccountUpdates(selected);
  }

  /** Sends `account:update` for these accounts now (a manual send skips the segment condition). */
  sendAccountUpdates(accounts: AccountRecord[]): void {
    if (!this.channelSubscribed("account:update") || accounts.length === 0) return;
    const segments = this.accountSegments.list();
    this.sender.enqueue(
      "account:update",
      accounts.map((account) => ({ message: takeAccountUpdateMessage(account, segments) })),
    );
  }

  /** `accounts_segment:update` (created or renamed) and `accounts_segment:delete` (§2.5). */
  sendAccountSegmentChange(
    channel: "accounts_segment:update" | "accounts_segment:delete",
    segment: Segment,
  ): void {
    if (this.channelSubscribed(channel)) {
      this.sender.enqueue(channel, [
        { message: { ...toAccountSegmentSnapshot(segment), message_id: randomObjectId() } },
      ]);
    }
  }

  /** Writes a JSON-lines file of account reports and returns its URL (`account_report` extracts). */
  createAccountExtract(accounts: AccountRecord[], fields: string[] = []): string {
    const id = randomObjectId();
    const keep = new Set([
      "id",
      "external_id",
      "domain",
      "anonymous_ids",
      "segment_ids",
      ...fields,
    ]);
    const lines = accounts.map((account) => {
      const report = toAccountReport(account);
      const picked =
        fields.length === 0
          ? report
          : Object.fromEntries(Object.entries(report).filter(([key]) => keep.has(key)));
      return JSON.stringify(picked);
    });
    this.extracts.set(id, lines.join("\n"));
    return `${this.baseUrl}/_sandbox/extracts/${id}.json`;
  }

  /** Accounts an extract query selects: `{}` or a segment's query (equalities), as for users. */
  accountsMatching(conditions: Record<string, unknown>): AccountRecord[] {
    return this.accounts.list().filter((account) => accountMatches(account, conditions));
  }

  sendShipUpdate(): void {
    if (this.channelSubscribed("ship:update")) {
      this.sender.enqueue("ship:update", [{ message: this.connectorObject() }]);
    }
  }

  sendSegmentChange(
    channel: "users_segment:update" | "users_segment:delete",
    segment: Segment,
  ): void {
    if (this.channelSubscribed(channel)) {
      this.sender.enqueue(channel, [
        { message: { ...toSegmentSnapshot(segment), message_id: randomObjectId() } },
      ]);
    }
  }

  // --- extracts ------------------------------------------------------------------------------

  /** Writes a JSON-lines file of user reports and returns its URL (hull-platform.md §2.6). */
  createExtract(users: UserRecord[], fields: string[] = []): string {
    const id = randomObjectId();
    const keep = new Set(["id", "email", "external_id", "anonymous_ids", "segment_ids", ...fields]);
    const lines = users.map((user) => {
      const report = { ...toUserReport(user), account: this.accountReportOf(user.id) };
      const picked =
        fields.length === 0
          ? report
          : Object.fromEntries(Object.entries(report).filter(([key]) => keep.has(key)));
      return JSON.stringify(picked);
    });
    this.extracts.set(id, lines.join("\n"));
    return `${this.baseUrl}/_sandbox/extracts/${id}.json`;
  }

  // --- lifecycle -----------------------------------------------------------------------------

  /** The fault for this firehose request, if any; a counted fault wears off. */
  takeFirehoseFault(): { status?: number; delayMs?: number } | undefined {
    const fault = this.firehoseFault;
    if (!fault) return undefined;
    if (fault.remaining !== undefined && --fault.remaining <= 0) this.firehoseFault = undefined;
    return fault;
  }

  /** Whether organization API calls are held (`api_hang`). */
  get apiHanging(): boolean {
    return this.apiHang !== undefined;
  }

  /** How many held organization API calls still have a caller waiting for them. */
  get apiHeld(): number {
    return this.apiHeldCount;
  }

  /** Starts holding organization API calls (`on`), or releases every held one and stops. */
  setApiHang(on: boolean): void {
    if (on) {
      if (this.apiHang) return;
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      this.apiHang = { released, release };
      return;
    }
    this.apiHang?.release();
    this.apiHang = undefined;
  }

  /**
   * Waits while a hang is in force (at once when none is): resolves "released" when it is
   * cleared, or "gone" when `closed` (the caller gave up) resolves first. Meanwhile the call
   * counts in `apiHeld`.
   */
  async heldWhileHanging(closed: Promise<void>): Promise<"released" | "gone"> {
    const hang = this.apiHang;
    if (!hang) return "released";
    this.apiHeldCount++;
    try {
      return await Promise.race([
        hang.released.then(() => "released" as const),
        closed.then(() => "gone" as const),
      ]);
    } finally {
      this.apiHeldCount--;
    }
  }

  reset(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.dirty.clear();
    clearTimeout(this.accountFlushTimer);
    this.accountFlushTimer = undefined;
    this.dirtyAccounts.clear();
    this.users.clear();
    this.segments.clear();
    this.accounts.clear();
    this.accountSegments.clear();
    this.sender.clear();
    this.firehoseLog.length = 0;
    this.firehoseFault = undefined;
    this.extractFaultStatus = undefined;
    this.apiFaultStatus = undefined;
    this.setApiHang(false);
    this.refusedClaims = undefined;
    this.extracts.clear();
  }

  close(): void {
    this.setApiHang(false);
    clearTimeout(this.flushTimer);
    clearTimeout(this.accountFlushTimer);
    this.sender.close();
  }
}
