import { BadRequestError, RetryableError } from "../../errors";
import { fetchJson, NetworkError } from "../fetch-json";
import { signEntry } from "./sign-entry";
import type { FirehoseEntry, HullCredentials } from "./types";

export interface FirehoseWriter {
  /** Resolves once Hull's firehose has accepted every entry; rejects if it could not. */
  write(credentials: HullCredentials, entries: FirehoseEntry[]): Promise<void>;
  /** Sends whatever is queued now. */
  flush(): Promise<void>;
}

export interface FirehoseOptions {
  url: string;
  /** Entries per request (Hull's own client flushes at 50). */
  flushAt?: number;
  /** How long a lone entry waits for company before it is sent. */
  flushAfterMs?: number;
  retries?: number;
  retryDelayMs?: number;
  timeoutMs?: number;
}

interface Ticket {
  remaining: number;
  settled: boolean;
  resolve(): void;
  reject(error: unknown): void;
}

interface Queue {
  credentials: HullCredentials;
  items: { entry: FirehoseEntry; ticket: Ticket }[];
  timer?: NodeJS.Timeout;
}

/** Batches entries per connector, signs each, and tells every writer when its entries are in Hull. */
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

  async function post(credentials: HullCredentials, items: Queue["items"]): Promise<void> {
    const batch = items.map((item) => signEntry(credentials, item.entry));
    const body = { batch, timestamp: new Date().toISOString(), sentAt: new Date().toISOString() };
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
          body,
          timeoutMs,
        });
        if (response.status < 300) return;
        const detail =
          typeof response.body === "object" ? response.body?.message : String(response.body);
        if (response.status < 500 && response.status !== 429) {
          throw new BadRequestError(
            `Hull's firehose refused a batch (${response.status}): ${detail ?? ""}`,
            502,
          );
        }
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

  function send(queue: Queue, items: Queue["items"]): void {
    const sending = post(queue.credentials, items).then(
      () => {
        for (const { ticket } of items) {
          ticket.remaining -= 1;
          if (ticket.remaining === 0 && !ticket.settled) {
            ticket.settled = true;
            ticket.resolve();
          }
        }
      },
      (error) => {
        for (const { ticket } of items) {
          if (!ticket.settled) {
            ticket.settled = true;
            ticket.reject(error);
          }
        }
      },
    );
    inFlight.add(sending);
    void sending.finally(() => inFlight.delete(sending));
  }

  function drain(queue: Queue): void {
    clearTimeout(queue.timer);
    queue.timer = undefined;
    while (queue.items.length > 0) send(queue, queue.items.splice(0, flushAt));
  }

  return {
    write(credentials, entries) {
      if (entries.length === 0) return Promise.resolve();
      const key = `${credentials.organization}/${credentials.id}`;
      let queue = queues.get(key);
      if (!queue) {
        queue = { credentials, items: [] };
        queues.set(key, queue);
      }
      const current = queue;
      return new Promise<void>((resolve, reject) => {
        const ticket: Ticket = { remaining: entries.length, settled: false, resolve, reject };
        for (const entry of entries) current.items.push({ entry, ticket });
        while (current.items.length >= flushAt) send(current, current.items.splice(0, flushAt));
        if (current.items.length > 0 && !current.timer) {
          current.timer = setTimeout(() => drain(current), flushAfterMs);
        } else if (current.items.length === 0) {
          clearTimeout(current.timer);
          current.timer = undefined;
        }
      });
    },
    async flush() {
      for (const queue of queues.values()) drain(queue);
      await Promise.allSettled([...inFlight]);
    },
  };
}
