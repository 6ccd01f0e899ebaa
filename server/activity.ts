import { randomBytes } from "node:crypto";
import {
  DEFAULT_BOUNDS,
  addCounts,
  emptyCounts,
  hourOf,
  windowStart,
  type ActivityEntry,
  type ActivityPerson,
  type ActivityQuery,
  type ActivityStore,
  type NewActivityEntry,
} from "./durable/activity-store";
import { createFileActivityStore } from "./durable/file-activity";

export type {
  ActivityEntry,
  ActivityKind,
  ActivityOutcome,
  ActivityPerson,
  NewActivityEntry,
} from "./durable/activity-store";

/** The overview's summary: counters over the last `window_hours`, and the latest failures. */
export interface ActivitySnapshot {
  window_hours: number;
  counters: Record<string, number>;
  recent_errors: { at: string; message: string }[];
}

/** A page of the timeline, newest first; `next_before` asks for the page after it. */
export interface ActivityPage {
  entries: ActivityEntry[];
  next_before?: string;
}

/**
 * What each connector did and why (ADR 017). Recording is synchronous and never throws (a call
 * site stays one line, and a full disk never fails a sync): entries and counts are buffered and
 * written to the store a few milliseconds later, in one batch per connector. Reads write the
 * buffer first, so a page always shows what was recorded before it was asked for.
 */
export interface ActivityLog {
  /** Adds `by` to a counter of the current hour. */
  count(connectorId: string, name: string, by?: number): void;
  /** Adds an entry to the timeline (time and id are set here; secrets are redacted). */
  record(connectorId: string, entry: NewActivityEntry): void;
  /** Records an error (kind `error`, outcome `failed`) with what to do about it, when known. */
  error(connectorId: string, message: string, hint?: string): void;
  snapshot(connectorId: string): Promise<ActivitySnapshot>;
  page(connectorId: string, query: Partial<ActivityQuery>): Promise<ActivityPage>;
  /** Writes what is buffered; resolves when the store has it (or has failed to take it). */
  flush(): Promise<void>;
}

export interface ActivityLogOptions {
  /** Default: in memory only (tests); main.ts passes the file or Redis store. */
  store?: ActivityStore;
  /** ms since epoch. */
  now?: () => number;
  /** Hours the overview's counters cover. Default 24. */
  windowHours?: number;
  /** Told when the store fails to take a batch (the batch is dropped: the log is not data). */
  onError?: (error: unknown) => void;
  /**
   * How long records gather before one write (ms). Default 100: under a webhook burst each write
   * is a journal append with its fsync (or a Redis MULTI), so fewer, larger writes (ADR 022).
   */
  batchMs?: number;
}

export const MAX_PAGE = 200;

/**
 * Entries one connector's unwritten batch keeps at most (the newest): as many as the stores keep of
 * a connector (ADR 017's three tiers), so a burst on a slow store cannot grow it past that.
 */
export const MAX_BUFFERED_ENTRIES =
  DEFAULT_BOUNDS.people + DEFAULT_BOUNDS.runs + DEFAULT_BOUNDS.setup;

// Shapes of secrets that could slip into a message (an error text quoting a URL or a header):
// JWTs (dashboard tokens, Hull tokens), bearer values, Intercom access tokens ("tok:" base64),
// and secret-looking query parameters (a presigned extract URL's X-Amz-Signature and
// X-Amz-Credential: an error quoting the URL must not hand out the extract).
const SECRET_PATTERNS: [RegExp, string][] = [
  [/eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]+/g, "[redacted token]"],
  [/\b(bearer)\s+[\w.~+/=-]+/gi, "$1 [redacted]"],
  [/\bdG9rO[\w+/=-]+/g, "[redacted token]"],
  [
    /\b((?:access_?token|token|secret|password|hullToken|code|[\w-]*signature|sig|[\w-]*credential)=)[^&\s"']+/gi,
    "$1[redacted]",
  ],
];

/** A text with anything shaped like a token or secret replaced. Pure. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * Longest text an entry keeps per field (characters): the tiers bound the number of entries, this
 * bounds their size, so 5,000 entries about users with a megabyte "email" (Hull takes any string)
 * or a long refusal from Intercom stay a few megabytes on disk and in Redis.
 */
export const MAX_TEXT = 1000;
/** Longest identifier, `by` or details value kept (characters); a real email is at most 320. */
export const MAX_ID = 320;
/** Most items of a details list kept (the settings fields changed, a user's warnings). */
export const MAX_LIST = 50;

/** `text` cut to `max` characters, saying that it was cut. Pure. */
function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function boundPerson(person: ActivityPerson): ActivityPerson {
  const out: ActivityPerson = {};
  for (const [name, value] of Object.entries(person) as [keyof ActivityPerson, unknown][]) {
    if (typeof value === "string") out[name] = cut(value, MAX_ID);
  }
  return out;
}

function boundDetails(details: NonNullable<NewActivityEntry["details"]>) {
  const out: NonNullable<NewActivityEntry["details"]> = {};
  for (const [name, value] of Object.entries(details).slice(0, MAX_LIST)) {
    out[cut(name, MAX_ID)] =
      typeof value === "string"
        ? cut(redactSecrets(value), MAX_ID)
        : Array.isArray(value)
          ? value.slice(0, MAX_LIST).map((item) => cut(redactSecrets(String(item)), MAX_ID))
          : value;
  }
  return out;
}

/** An entry with secrets redacted and every text bounded (MAX_TEXT, MAX_ID, MAX_LIST). Pure. */
function redactEntry(entry: NewActivityEntry): NewActivityEntry {
  return {
    ...entry,
    message: cut(redactSecrets(entry.message), MAX_TEXT),
    ...(entry.reason === undefined ? {} : { reason: cut(redactSecrets(entry.reason), MAX_TEXT) }),
    ...(entry.hint === undefined ? {} : { hint: cut(redactSecrets(entry.hint), MAX_TEXT) }),
    ...(entry.by === undefined ? {} : { by: cut(redactSecrets(entry.by), MAX_ID) }),
    ...(entry.person === undefined ? {} : { person: boundPerson(entry.person) }),
    ...(entry.details === undefined ? {} : { details: boundDetails(entry.details) }),
  };
}

export function createActivityLog(options: ActivityLogOptions = {}): ActivityLog {
  const store = options.store ?? createFileActivityStore(undefined);
  const now = options.now ?? Date.now;
  const windowHours = options.windowHours ?? 24;
  const batchMs = options.batchMs ?? 100;
  // Ids sort by time, then by this process's sequence; the tag keeps two processes' ids apart.
  const tag = randomBytes(3).toString("hex");
  let sequence = 0;
  let buffered = new Map<
    string,
    { entries: ActivityEntry[]; counts: Record<string, number>; hour: number }
  >();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();

  const bufferOf = (connectorId: string) => {
    const hour = hourOf(now());
    let found = buffered.get(connectorId);
    if (found && found.hour !== hour) {
      // A new hour: what was counted so far belongs to the previous one.
      void flush();
      found = undefined;
    }
    if (!found) {
      found = { entries: [], counts: emptyCounts(), hour };
      buffered.set(connectorId, found);
    }
    timer ??= setTimeout(flushWhenIdle, batchMs);
    return found;
  };

  // A timed write waits for the one before it: while the store is slower than the records come
  // (a webhook burst on a slow disk), they gather into the next batch instead of queueing a write
  // each, and that batch keeps at most MAX_BUFFERED_ENTRIES per connector (the newest).
  let writesInProgress = 0;
  function flushWhenIdle() {
    timer = undefined;
    if (writesInProgress > 0) timer = setTimeout(flushWhenIdle, batchMs);
    else void flush();
  }

  function flush(): Promise<void> {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const batch = buffered;
    buffered = new Map();
    writesInProgress += 1;
    writing = writing.then(async () => {
      for (const [connectorId, { entries, counts, hour }] of batch) {
        try {
          await store.append(connectorId, entries, counts, hour);
        } catch (error) {
          options.onError?.(error);
        }
      }
      writesInProgress -= 1;
    });
    return writing;
  }

  function record(connectorId: string, entry: NewActivityEntry) {
    const at = now();
    sequence += 1;
    const id = `${String(at).padStart(13, "0")}-${sequence.toString(36).padStart(7, "0")}-${tag}`;
    const { entries } = bufferOf(connectorId);
    entries.push({ id, at: new Date(at).toISOString(), ...redactEntry(entry) });
    // Cut in bulk, so that a full buffer does not shift its array on every entry.
    if (entries.length > MAX_BUFFERED_ENTRIES * 1.25)
      entries.splice(0, entries.length - MAX_BUFFERED_ENTRIES);
  }

  async function page(connectorId: string, query: Partial<ActivityQuery>): Promise<ActivityPage> {
    await flush();
    const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(query.limit ?? 50)));
    // One more than asked tells whether there is a next page.
    const entries = await store.page(connectorId, { ...query, limit: limit + 1 });
    const more = entries.length > limit;
    const shown = entries.slice(0, limit);
    return more ? { entries: shown, next_before: shown.at(-1)!.id } : { entries: shown };
  }

  return {
    count(connectorId, name, by = 1) {
      const { counts } = bufferOf(connectorId);
      addCounts(counts, { [name]: by });
    },
    record,
    error(connectorId, message, hint) {
      record(connectorId, {
        kind: "error",
        outcome: "failed",
        message,
        ...(hint ? { hint } : {}),
      });
    },
    async snapshot(connectorId) {
      await flush();
      const since = windowStart(now(), windowHours);
      const [counters, failures] = await Promise.all([
        store.counters(connectorId, since),
        store.page(connectorId, { outcomes: ["failed"], limit: 10 }),
      ]);
      return {
        window_hours: windowHours,
        counters: { ...counters },
        recent_errors: failures
          .filter((entry) => Date.parse(entry.at) >= since)
          .map((entry) => ({
            at: entry.at,
            message: entry.reason ? `${entry.message}: ${entry.reason}` : entry.message,
          })),
      };
    },
    page,
    flush,
  };
}
