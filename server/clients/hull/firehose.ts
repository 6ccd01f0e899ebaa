import { RetryableError, UpstreamRefusedError } from "../../errors";
import { fetchJson, NetworkError } from "../fetch-json";
import { concatUtf8 } from "../json-bytes";
import { checkEntry } from "../../hull-entry-rules";
import { signEntry } from "./sign-entry";
import type { FirehoseEntry, HullCredentials } from "./types";

export interface FirehoseWriter {
  /**
   * Resolves once Hull's firehose has accepted every entry. Rejects with `EntriesRefused` when Hull
   * refused some entries for good (the others are in Hull by then), with a `RetryableError` when
   * Hull
   * is down or slow (some entries may be in Hull: writes are idempotent), or with an
   * `UpstreamRefusedError` when Hull refused the connector itself (401, 403, 404…).
   */
  write(
    credentials: HullCredentials,
    entries: FirehoseEntry[],
    options?: WriteOptions,
  ): Promise<void>;
  /** Sends whatever is queued now. */
  flush(): Promise<void>;
}

export interface WriteOptions {
  /**
   * Send what is queued now, even while a small batch of the connector is in flight (where the
   * group commit would gather it): for a writer that awaits its entries and has no more to add
   * until they are in (a fetch's page). Default false.
   */
  now?: boolean;
  /**
   * Every entry names a person no other recent write names (a fetch's page): their tokens are
   * signed without being kept for reuse (sign-entry.ts `firehoseToken`'s `keep`). Default false.
   */
  distinctPeople?: boolean;
}

/** One entry Hull will never take, and why (Hull's message, or the entry rule's). */
export interface RefusedEntry {
  entry: FirehoseEntry;
  reason: string;
}

/** Hull refused these entries for good (400/422 per entry); every other entry is in Hull. */
export class EntriesRefused extends UpstreamRefusedError {
  override readonly code = "entries-refused";
  constructor(readonly refused: RefusedEntry[]) {
    super(
      "hull",
      400,
      `Hull refused ${refused.length} ${refused.length === 1 ? "entry" : "entries"}: ${refused[0]?.reason ?? ""}`,
    );
  }
}

export interface FirehoseOptions {
  url: string;
  /** Entries per request (Hull's own client flushes at 50); a full batch is sent at once. */
  flushAt?: number;
  /**
   * Batches short of `flushAt` one connector may have in flight before its later entries gather
   * (group commit): while fewer are in flight an entry is sent at once, else it joins the next
   * batch, sent as soon as one of them settles. So an entry waits at most about one round trip, and
   * batches grow with the load. Full batches never wait. Default 1.
   */
  maxPartialInFlight?: number;
  /**
   * The longest (ms) gathered entries wait for a batch in flight to settle before they are sent
   * anyway: a ceiling for when Hull is slow (a request may take `timeoutMs` and be retried), never
   * a wait under normal load. Default 200.
   */
  maxGatherMs?: number;
  retries?: number;
  retryDelayMs?: number;
  /** How long (ms) one request may take. */
  timeoutMs?: number;
}

interface Ticket {
  remaining: number;
  refused: RefusedEntry[];
  failure?: unknown;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * `json`: the signed entry as sent, serialised on its first post and reused by retries and halves.
 * `subjects`: who the entry writes to (`subjectsOf`).
 */
type Item = {
  entry: FirehoseEntry;
  ticket: Ticket;
  subjects: string[];
  json?: string;
  /** False when the writer said its people are distinct: the token is not kept for reuse. */
  keepToken: boolean;
};

interface Queue {
  credentials: HullCredentials;
  /** Entries waiting to be sent, in the order they were written. */
  items: Item[];
  /** Batches short of `flushAt` of this queue posted and not yet settled. */
  partialInFlight: number;
  /** The `maxGatherMs` ceiling, armed while entries gather behind small batches in flight. */
  timer?: NodeJS.Timeout;
  /** The subjects (`subjectsOf`) of every entry of this queue's batches in flight. */
  busy: Set<string>;
}

/**
 * Who an entry writes to, as keys: each non-empty user claim (and the anonymous id an alias adds)
 * and each claim of an account whose attributes it writes. Two entries that share a key may be about one person or account (Hull
 * resolves claims to one profile), so they must reach Hull in the order they were written.
 */
export function subjectsOf(entry: FirehoseEntry): string[] {
  const keys: string[] = [];
  const add = (prefix: string, claims: object | undefined) => {
    if (!claims) return;
    for (const [name, value] of Object.entries(claims))
      if (value !== undefined && value !== null && value !== "")
        keys.push(`${prefix}${name}=${value}`);
  };
  add("user:", entry.claims);
  // The body of an entry naming an account is the account's attributes; with an empty body the
  // entry only links the user (a company fetch's one link per contact), so the account is not
  // written and its links need no order among themselves.
  if (entry.type === "traits" && Object.keys(entry.body).length > 0) add("account:", entry.account);
  if (entry.type === "alias") add("user:", { anonymous_id: entry.body.anonymous_id });
  return keys;
}

/**
 * The firehose request body for a batch, as UTF-8 bytes: `{batch: [signed entry…], timestamp,
 * sentAt}` (hull-client lib/lib/firehose.js), every entry signed and stamped with `now`. Pure but
 * for the caches it fills (and the token cache, unless an item's `keepToken` is false): each item's signed entry is serialised once, into `item.json`, and
 * reused by a retry or a half of a refused batch (tokens are cached per user, sign-entry.ts).
 * The body is made from the entries' small strings, never one string of the whole batch: that
 * would be a large object to V8 (over 128 kB at ~100 entries; json-bytes.ts, ADR 028).
 */
export function batchBody(
  credentials: HullCredentials,
  items: { entry: FirehoseEntry; json?: string; keepToken?: boolean }[],
  now: Date,
): Buffer<ArrayBuffer> {
  for (const item of items)
    item.json ??= JSON.stringify(signEntry(credentials, item.entry, now, item.keepToken ?? true));
  const sentAt = JSON.stringify(now.toISOString());
  const parts = ['{"batch":['];
  for (const [index, item] of items.entries()) parts.push(index === 0 ? "" : ",", item.json!);
  parts.push(`],"timestamp":${sentAt},"sentAt":${sentAt}}`);
  return concatUtf8(parts);
}

/** Hull refused a batch as invalid (400/422): some entry in it is bad, the others may be fine. */
class BatchRefused extends Error {}

function settle(ticket: Ticket, outcome: { refused?: RefusedEntry; failure?: unknown }): void {
  if (outcome.refused) ticket.refused.push(outcome.refused);
  if (outcome.failure !== undefined) ticket.failure ??= outcome.failure;
  ticket.remaining -= 1;
  if (ticket.remaining > 0) return;
  if (ticket.failure !== undefined) ticket.reject(ticket.failure);
  else if (ticket.refused.length > 0) ticket.reject(new EntriesRefused(ticket.refused));
  else ticket.resolve();
}

/**
 * Batches entries per connector, signs each, and tells every writer when its entries are in Hull.
 * Batching is a group commit (ADR 022): a full batch (`flushAt`) is posted at once; a smaller one
 * is posted at once while fewer than `maxPartialInFlight` of its connector's small batches are in
 * flight, and otherwise its entries gather with those written meanwhile into one batch, posted as
 * soon as one of those settles. Batches are posted in the order their entries were written, and
 * an entry about a user or account (`subjectsOf`) that a batch in flight also writes waits for
 * that batch to settle: a batch Hull answers late, or fails and is retried, could otherwise land
 * after a newer write of the same person and undo it. Later entries sharing a subject with a
 * waiting one wait behind it; others go on. No
 * entry waits on a timer under normal load, and a busy connector's batches grow with its load.
 * Entries the shared rule (`server/hull-entry-rules.ts`) refuses are never sent. A batch Hull
 * refuses as invalid
 * (400/422: Hull's firehose refuses a whole batch for one bad entry, sandbox/hull/README.md) is
 * split in halves until the refused entries are found, so one bad entry costs only its own writer
 * that entry, and every other entry (of any writer sharing the batch) is written.
 * `write` rejects as FirehoseWriter.write says: EntriesRefused, RetryableError,
 * UpstreamRefusedError.
 */
export function createFirehoseWriter(options: FirehoseOptions): FirehoseWriter {
  const {
    url,
    flushAt = 100,
    maxPartialInFlight = 1,
    maxGatherMs = 200,
    retries = 3,
    retryDelayMs = 100,
    timeoutMs = 15_000,
  } = options;
  const queues = new Map<string, Queue>();
  const inFlight = new Set<Promise<void>>();

  async function post(credentials: HullCredentials, items: Item[]): Promise<void> {
    const jsonText = batchBody(credentials, items, new Date());
    const headers = {
      "Hull-App-Id": credentials.id,
      "Hull-Access-Token": credentials.secret,
      "Hull-Organization": credentials.organization,
    };
    for (let attempt = 0; ; attempt++) {
      let failure: string;
      try {
        const response = await fetchJson<{ message?: string }>(url, {
          method: "POST",
          headers,
          jsonText,
          timeoutMs,
        });
        if (response.status < 300) return;
        const detail =
          typeof response.body === "object" ? response.body?.message : String(response.body);
        const message = `Hull's firehose refused a batch (${response.status}): ${detail ?? ""}`;
        if (response.status === 400 || response.status === 422) throw new BatchRefused(message);
        if (response.status < 500 && response.status !== 429)
          throw new UpstreamRefusedError("hull", response.status, message);
        failure = `Hull's firehose answered ${response.status}`;
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error;
        failure = error.message;
      }
      if (attempt >= retries)
        throw new RetryableError(`${failure} (after ${attempt + 1} attempts)`, 5000);
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 4 ** attempt));
    }
  }

  /** Posts items; a refused batch is halved until each refused entry stands alone. */
  async function deliver(credentials: HullCredentials, items: Item[]): Promise<void> {
    try {
      await post(credentials, items);
    } catch (error) {
      if (!(error instanceof BatchRefused)) {
        for (const item of items) settle(item.ticket, { failure: error });
        return;
      }
      if (items.length === 1) {
        settle(items[0]!.ticket, { refused: { entry: items[0]!.entry, reason: error.message } });
        return;
      }
      // One half after the other: a person's entries may sit in both, in order (ADR 027).
      const half = Math.ceil(items.length / 2);
      await deliver(credentials, items.slice(0, half));
      await deliver(credentials, items.slice(half));
      return;
    }
    for (const item of items) settle(item.ticket, {});
  }

  function send(queue: Queue, items: Item[]): void {
    const partial = items.length < flushAt;
    if (partial) queue.partialInFlight += 1;
    for (const item of items) for (const subject of item.subjects) queue.busy.add(subject);
    const sending = deliver(queue.credentials, items).finally(() => {
      inFlight.delete(sending);
      if (partial) queue.partialInFlight -= 1;
      // One batch at a time holds a subject, so its settling frees its subjects.
      for (const item of items) for (const subject of item.subjects) queue.busy.delete(subject);
      pump(queue);
    });
    inFlight.add(sending);
  }

  /**
   * The next batch that may go, oldest first, up to `flushAt` entries: an entry whose subject a
   * batch in flight holds waits, and so does any later entry sharing a subject with a waiting one.
   * Entries of one batch may share subjects: Hull takes a batch's entries in order.
   */
  function nextBatch(queue: Queue): Item[] {
    if (queue.busy.size === 0) return queue.items.slice(0, flushAt);
    const batch: Item[] = [];
    const held = new Set<string>();
    for (const item of queue.items) {
      if (batch.length >= flushAt) break;
      if (item.subjects.some((subject) => queue.busy.has(subject) || held.has(subject))) {
        for (const subject of item.subjects) held.add(subject);
      } else batch.push(item);
    }
    return batch;
  }

  /** Takes `batch` (items of the queue, in its order) out of the queue. */
  function take(queue: Queue, batch: Item[]): Item[] {
    // Usually the batch is the queue's head: its last item sits at its length.
    if (queue.items[batch.length - 1] === batch.at(-1)) {
      queue.items.splice(0, batch.length);
    } else {
      const taken = new Set(batch);
      queue.items = queue.items.filter((item) => !taken.has(item));
    }
    return batch;
  }

  /** Sends what may go now: full batches always, the rest while a partial-batch slot is free. */
  function pump(queue: Queue, force = false): void {
    const partialMayGo = force || queue.partialInFlight < maxPartialInFlight;
    // While entries gather behind a small batch, each write calls this: no scan can send then.
    while (queue.items.length >= flushAt || (partialMayGo && queue.items.length > 0)) {
      const batch = nextBatch(queue);
      const full = batch.length === flushAt;
      if (batch.length === 0 || (!full && !partialMayGo)) break;
      send(queue, take(queue, batch));
      if (!full) break;
    }
    if (queue.items.length === 0) {
      clearTimeout(queue.timer);
      queue.timer = undefined;
    } else {
      queue.timer ??= setTimeout(() => {
        queue.timer = undefined;
        pump(queue, true);
      }, maxGatherMs);
    }
  }

  return {
    write(credentials, entries, options = {}) {
      if (entries.length === 0) return Promise.resolve();
      // One queue per credentials, secret included: each batch is signed and sent with its
      // writers' own, so after a secret changes, a writer still holding the old one (a record
      // kept before, a fetch started earlier) neither signs nor spoils the others' batches
      // (found in review). Order holds within each queue.
      const key = `${credentials.organization}\n${credentials.id}\n${credentials.secret}`;
      let queue = queues.get(key);
      if (!queue) {
        queue = { credentials, items: [], partialInFlight: 0, busy: new Set() };
        queues.set(key, queue);
      }
      const current = queue;
      const keepToken = !options.distinctPeople;
      return new Promise<void>((resolve, reject) => {
        const ticket: Ticket = { remaining: entries.length, refused: [], resolve, reject };
        for (const entry of entries) {
          const checked = checkEntry(entry);
          if (checked.ok)
            current.items.push({
              entry: checked.entry,
              ticket,
              subjects: subjectsOf(checked.entry),
              keepToken,
            });
          else settle(ticket, { refused: { entry, reason: checked.reason } });
        }
        pump(current, options.now);
      });
    },
    async flush() {
      for (const queue of queues.values()) pump(queue, true);
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
