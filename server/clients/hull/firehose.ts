import { RetryableError, UpstreamRefusedError } from "../../errors";
import { fetchJson, NetworkError } from "../fetch-json";
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
   * Send what is queued now instead of waiting `flushAfterMs` for company: for a writer that
   * awaits its entries and has no more to add until they are in (a fetch's page). Default false.
   */
  now?: boolean;
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
  /** Entries per request (Hull's own client flushes at 50). */
  flushAt?: number;
  /** How long (ms) a lone entry waits for company before it is sent. */
  flushAfterMs?: number;
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

/** `json`: the signed entry as sent, serialised on its first post and reused by retries and halves. */
type Item = { entry: FirehoseEntry; ticket: Ticket; json?: string };

interface Queue {
  credentials: HullCredentials;
  items: Item[];
  timer?: NodeJS.Timeout;
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
    flushAfterMs = 20,
    retries = 3,
    retryDelayMs = 100,
    timeoutMs = 15_000,
  } = options;
  const queues = new Map<string, Queue>();
  const inFlight = new Set<Promise<void>>();

  async function post(credentials: HullCredentials, items: Item[]): Promise<void> {
    // Each entry is signed and serialised once (tokens are cached per user, sign-entry.ts); the
    // batch is the entries' JSON joined, not the whole batch serialised again per attempt.
    const now = new Date();
    for (const item of items) item.json ??= JSON.stringify(signEntry(credentials, item.entry, now));
    const sentAt = JSON.stringify(now.toISOString());
    const jsonText = `{"batch":[${items.map((item) => item.json).join(",")}],"timestamp":${sentAt},"sentAt":${sentAt}}`;
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
      const half = Math.ceil(items.length / 2);
      await Promise.all([
        deliver(credentials, items.slice(0, half)),
        deliver(credentials, items.slice(half)),
      ]);
      return;
    }
    for (const item of items) settle(item.ticket, {});
  }

  function send(queue: Queue, items: Item[]): void {
    const sending = deliver(queue.credentials, items);
    inFlight.add(sending);
    void sending.finally(() => inFlight.delete(sending));
  }

  function drain(queue: Queue): void {
    clearTimeout(queue.timer);
    queue.timer = undefined;
    while (queue.items.length > 0) send(queue, queue.items.splice(0, flushAt));
  }

  return {
    write(credentials, entries, options = {}) {
      if (entries.length === 0) return Promise.resolve();
      const key = `${credentials.organization}/${credentials.id}`;
      let queue = queues.get(key);
      if (!queue) {
        queue = { credentials, items: [] };
        queues.set(key, queue);
      }
      const current = queue;
      return new Promise<void>((resolve, reject) => {
        const ticket: Ticket = { remaining: entries.length, refused: [], resolve, reject };
        for (const entry of entries) {
          const checked = checkEntry(entry);
          if (checked.ok) current.items.push({ entry: checked.entry, ticket });
          else settle(ticket, { refused: { entry, reason: checked.reason } });
        }
        while (current.items.length >= flushAt) send(current, current.items.splice(0, flushAt));
        if (options.now) drain(current);
        else if (current.items.length > 0 && !current.timer) {
          current.timer = setTimeout(() => drain(current), flushAfterMs);
        } else if (current.items.length === 0) {
          clearTimeout(current.timer);
          current.timer = undefined;
        }
      });
    },
    async flush() {
      for (const queue of queues.values()) drain(queue);
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
