import type { ActivityLog } from "../../activity";
import type { FirehoseWriter } from "../../clients/hull/firehose";
import type { HullRestClient } from "../../clients/hull/rest";
import type { FirehoseEntry, HullCredentials } from "../../clients/hull/types";
import type { IntercomApi } from "../../clients/intercom/api";
import type { IntercomConnections } from "../../clients/intercom/connections";
import type { ContactList, IntercomContact, SearchQuery } from "../../clients/intercom/types";
import { intercomApiFor } from "../../connection/intercom-api-for";
import type { DeadLetterStore } from "../../durable/dead-letters";
import type { Outbox } from "../../durable/outbox";
import { writeToHull, type WriteToHullDeps } from "../../durable/write-to-hull";
import { ConfigurationError, RetryableError } from "../../errors";
import { JobAborted, type JobControl, type JobHandler } from "../../jobs/job-runner";
import type { JobProgress, StoredJob } from "../../jobs/types";
import type { Logger } from "../../log";
import { fetchCursorOf, ownSettings, readSettings, type ConnectorSettings } from "../../settings";
import { toUnixSeconds, unixSecondsOf } from "../../time";
import { contactToHullEntries } from "../mapping/contact-entries";
import {
  buildFetchQuery,
  incrementalWindow,
  selectContacts,
  trimEdge,
  type FetchWindow,
} from "./fetch-window";

export interface FetchDeps {
  intercom: IntercomConnections;
  hullClient(credentials: HullCredentials): HullRestClient;
  firehose: FirehoseWriter;
  /** Where contacts Hull refuses go, so the rest of the page is written and the fetch goes on. */
  deadLetters: DeadLetterStore;
  activity: ActivityLog;
  logger: Logger;
  /** How far back (seconds) an incremental fetch re-reads before its cursor. Default 300. */
  overlapSeconds?: number;
  /** How far back (seconds) the first incremental fetch of a fresh install looks. Default 86,400. */
  firstRunLookbackSeconds?: number;
  /** How many times one page is tried again when Intercom keeps failing. */
  pageAttempts?: number;
  /** Webhooks kept while Hull was down: a page waits for its connector's to be replayed first. */
  outbox?: Pick<Outbox, "holds">;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/** What a fetch stores after each page, so a restart resumes at the next one. */
interface Checkpoint {
  window?: FetchWindow & { from?: number };
  /** The workspace's timezone the query was built with (null: unknown), so a resumed run asks the same. */
  timezone?: string | null;
  /** Intercom's `starting_after` of the next page; undefined before the first. */
  cursor?: string;
  /** The newest updated_at (Unix seconds) read inside the window. */
  newest?: number;
  /** Contacts written at the newest edge (id → updated_at seconds): the next run's overlap. */
  edge?: Record<string, number>;
  written?: number;
  done?: boolean;
}

/** The activity counters of each role. */
const COUNTERS = {
  user: { read: "users fetched", written: "users written to Hull" },
  lead: { read: "leads fetched", written: "leads written to Hull" },
} as const;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Writes one page of Intercom contacts to Hull through the firehose, each built by the shared
 * `contactToHullEntries` (as webhooks build theirs). Resolves once Hull accepted the page (refused
 * entries are dead-lettered); throws what `writeToHull` throws (RetryableError: Hull down;
 * UpstreamRefusedError: Hull refused the connector). Returns how many contacts were written and
 * the custom attribute names seen on users.
 */
export async function writeContactsToHull(
  deps: WriteToHullDeps,
  credentials: HullCredentials,
  contacts: readonly IntercomContact[],
  options: { role: "user" | "lead"; incomingAttributes: ConnectorSettings["incomingAttributes"] },
): Promise<{ written: number; customAttributes: string[] }> {
  const entries: FirehoseEntry[] = [];
  const customAttributes = new Set<string>();
  let written = 0;
  for (const contact of contacts) {
    const write = contactToHullEntries(contact, {
      roleHint: options.role,
      incomingAttributes: options.incomingAttributes,
    });
    if (!write) continue;
    written++;
    entries.push(...write.entries);
    for (const name of write.customAttributes) customAttributes.add(name);
  }
  // The page is all there is until it is in Hull: its last partial batch need not wait for company.
  // A fetch names each contact once, so no token of it is ever reused (not kept: issue 18).
  await writeToHull(deps, credentials, entries, "fetch", { now: true, distinctPeople: true });
  return { written, customAttributes: [...customAttributes] };
}

/** Everything a run decided before its first page: fixed for the run, and for its resumptions. */
interface FetchPlan {
  hull: HullRestClient;
  settings: ConnectorSettings;
  api: IntercomApi;
  incremental: boolean;
  window: FetchWindow & { from?: number };
  timezone: string | undefined;
  query: SearchQuery;
  sort?: { field: "updated_at"; order: "ascending" };
  /** The cursor stored by the previous incremental run (Unix seconds). */
  storedCursor: number | undefined;
  /** The previous run's edge: contacts it wrote, not written again unless changed. */
  previousEdge: Readonly<Record<string, number>>;
}

/** Where a run stands: restored from the checkpoint, advanced by each page. */
interface RunState {
  cursor: string | undefined;
  newest: number | undefined;
  edge: Record<string, number>;
  fetched: number;
  written: number;
  readThisRun: number;
  seenCustom: Set<string>;
  done: boolean;
}

/**
 * Rate (contacts/s read by this run) and time left (s) against Intercom's total. Pure; both
 * undefined until there is something to measure.
 */
export function progressOf(
  state: Pick<RunState, "fetched" | "written" | "readThisRun">,
  elapsedSeconds: number,
  total: number | undefined,
): Omit<JobProgress, "errors"> {
  const rate = elapsedSeconds > 0 ? state.readThisRun / elapsedSeconds : undefined;
  return {
    fetched: state.fetched,
    written: state.written,
    total,
    rate_per_s: rate === undefined ? undefined : Math.round(rate),
    eta_s:
      rate && total !== undefined
        ? Math.max(0, Math.round((total - state.fetched) / rate))
        : undefined,
  };
}

/**
 * Fetches every contact of one role (or those changed since the last cursor) page by page: 150 per
 * request, each page written to Hull and acknowledged before its checkpoint, so memory stays flat
 * and a restart resumes at the next page. The steps: `plan` (window, timezone, query), `pages`
 * (paging with read-ahead and patience), `writePage` (select, map, write, edge), `checkpoint`,
 * `logProgress`, `finish` (the settings the next run starts from).
 *
 * Incremental runs search whole calendar days in the workspace's timezone (Intercom's search has no
 * finer grain) from the cursor's day, oldest first, and keep the contacts whose full updated_at is
 * after the cursor minus the overlap; see fetch-window.ts and docs/ARCHITECTURE.md. The cursor
 * (newest updated_at seen) is stored when the run ends; a fresh install's first run starts
 * `firstRunLookbackSeconds` back and stores one too. The handler throws ConfigurationError when
 * Intercom is not connected, JobAborted when the process stops (at a checkpoint), and what Hull or
 * Intercom throw once a page's patience is spent (RetryableError, UpstreamRefusedError).
 */
export function createFetchHandler(deps: FetchDeps, role: "user" | "lead"): JobHandler {
  const overlap = deps.overlapSeconds ?? 300;
  const lookback = deps.firstRunLookbackSeconds ?? 86_400;
  const sleep = deps.sleep ?? defaultSleep;
  const now = () => deps.now?.() ?? new Date();
  const counters = COUNTERS[role];

  /** Tries a request again while Intercom answers "later": rate limits slow a fetch, not end it. */
  async function withPatience<T>(request: () => Promise<T>, control: JobControl): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request();
      } catch (error) {
        if (!(error instanceof RetryableError) || attempt >= (deps.pageAttempts ?? 30)) throw error;
        if (control.signal.aborted) throw new JobAborted();
        await sleep(Math.min(60_000, error.retryAfterMs ?? 1000 * attempt));
      }
    }
  }

  /** The workspace's timezone from /me; undefined (and a wider query) when Intercom does not say. */
  async function workspaceTimezone(api: IntercomApi, control: JobControl, job: StoredJob) {
    try {
      const me = await withPatience(() => api.me(), control);
      return me.app?.timezone || undefined;
    } catch (error) {
      if (error instanceof JobAborted) throw error;
      deps.logger.warn(
        { connector: job.credentials.id, job: job.id, err: error },
        "workspace timezone unknown: the fetch reads one day more",
      );
      return undefined;
    }
  }

  /** Step 1: the window, the timezone and the query, from the checkpoint when resuming. */
  async function plan(job: StoredJob, control: JobControl): Promise<FetchPlan> {
    const hull = deps.hullClient(job.credentials);
    const settings = readSettings(await hull.getConnector());
    const api = intercomApiFor(deps.intercom, settings);
    if (!api)
      throw new ConfigurationError(
        "Intercom is not connected: connect it from the dashboard, then fetch again.",
      );
    const saved = job.checkpoint as Checkpoint;
    const incremental = job.mode === "incremental";
    const storedCursor = toUnixSeconds(fetchCursorOf(settings, role));
    const window =
      saved.window ??
      (incremental
        ? incrementalWindow(storedCursor, unixSecondsOf(now()), overlap, lookback)
        : { after: job.params.updated_after, before: job.params.updated_before });
    const bounded = window.after !== undefined || window.before !== undefined;
    const timezone =
      saved.timezone !== undefined
        ? (saved.timezone ?? undefined)
        : bounded
          ? await workspaceTimezone(api, control, job)
          : undefined;
    const previousEdge = incremental
      ? settings.fetchEdges[role === "user" ? "users" : "leads"]
      : {};
    return {
      hull,
      settings,
      api,
      incremental,
      window,
      timezone,
      ...buildFetchQuery(role, window, timezone),
      storedCursor,
      previousEdge,
    };
  }

  function restore(job: StoredJob): RunState {
    const saved = job.checkpoint as Checkpoint;
    return {
      cursor: saved.cursor,
      newest: saved.newest,
      // Keyed by contact id (Intercom's input): no prototype, so "__proto__" is a key like any other.
      edge: Object.assign(Object.create(null), saved.edge),
      fetched: job.progress.fetched,
      written: saved.written ?? 0,
      readThisRun: 0,
      seenCustom: new Set(),
      done: saved.done === true,
    };
  }

  /**
   * Step 2: the pages from `state.cursor` on, each with the cursor of the one after it. The next
   * page is requested while the caller writes this one (read-ahead); its failure surfaces when
   * the caller asks for it.
   */
  async function* pages(run: FetchPlan, state: RunState, control: JobControl) {
    const request = (after?: string) =>
      withPatience(() => run.api.searchContacts(run.query, after, undefined, run.sort), control);
    let next: Promise<ContactList> | undefined = state.done ? undefined : request(state.cursor);
    while (next) {
      const page = await next;
      const following = page.pages?.next?.starting_after ?? undefined;
      next = following ? request(following) : undefined;
      next?.catch(() => undefined);
      yield { page, following };
    }
  }

  /**
   * Throws RetryableError while the outbox holds webhooks of the connector: kept while Hull was
   * down, they may be older than the page in hand, and their replay after it would write the
   * older values last (ADR 026). The job tries again from its checkpoint, so the page is read
   * again once they are in Hull: waiting here and then writing the page read before the wait
   * would land it over webhooks that arrived meanwhile (found in review).
   */
  async function afterKeptWebhooks(job: StoredJob): Promise<void> {
    if (deps.outbox && (await deps.outbox.holds(job.connectorId)))
      throw new RetryableError(
        "Webhooks kept while Hull was down are still being written to Hull; the fetch goes on after them",
      );
  }

  /** Step 3: the page's contacts inside the window and not yet in Hull, written; the edge advanced. */
  async function writePage(
    job: StoredJob,
    run: FetchPlan,
    state: RunState,
    page: ContactList,
  ): Promise<number> {
    await afterKeptWebhooks(job);
    const selection = selectContacts(
      page.data,
      run.window,
      run.previousEdge,
      state.edge,
      state.newest,
    );
    state.newest = selection.newest;
    const result = await writeContactsToHull(deps, job.credentials, selection.write, {
      role,
      incomingAttributes: run.settings.incomingAttributes,
    });
    for (const name of result.customAttributes) state.seenCustom.add(name);
    state.fetched += page.data.length;
    state.readThisRun += page.data.length;
    state.written += result.written;
    // Only an incremental run hands its edge to the next one; a full fetch keeps none.
    if (!run.incremental) state.edge = {};
    else if (state.newest !== undefined) state.edge = trimEdge(state.edge, state.newest, overlap);
    deps.activity.count(job.credentials.id, counters.read, page.data.length);
    deps.activity.count(job.credentials.id, counters.written, result.written);
    return result.written;
  }

  /** Step 4: the checkpoint and the progress the dashboard shows. */
  async function checkpoint(
    control: JobControl,
    run: FetchPlan,
    state: RunState,
    progress: Omit<JobProgress, "errors">,
  ) {
    const saved: Checkpoint = {
      window: run.window,
      timezone: run.timezone ?? null,
      cursor: state.cursor,
      newest: state.newest,
      edge: state.edge,
      written: state.written,
      done: state.done,
    };
    await control.checkpoint({ checkpoint: { ...saved }, progress });
  }

  /** Step 5: a progress line every 5 s and at the end, not one per page. */
  function progressLog(job: StoredJob) {
    let lastLog = 0;
    return (progress: Omit<JobProgress, "errors">, last: boolean) => {
      if (Date.now() - lastLog <= 5000 && !last) return;
      lastLog = Date.now();
      deps.logger.info(
        {
          connector: job.credentials.id,
          job: job.id,
          role,
          mode: job.mode,
          read: progress.fetched,
          written: progress.written,
          total: progress.total,
          rate_per_s: progress.rate_per_s,
        },
        "fetch progress",
      );
    };
  }

  /** Step 6: what the next run starts from (incremental), and the attribute names seen. */
  async function finish(run: FetchPlan, state: RunState) {
    const update: Record<string, unknown> = {};
    if (state.seenCustom.size > 0)
      Object.assign(
        update,
        ownSettings.customAttributes(run.settings.customAttributes, state.seenCustom),
      );
    if (run.incremental) {
      // The newest update seen; with none, the cursor stays where it was (or, on a fresh install,
      // at the start of the look-back), so the next run reads the same short window again.
      const cursor = state.newest ?? run.storedCursor ?? run.window.from;
      Object.assign(
        update,
        ownSettings.fetchCursor(role, cursor, run.settings.fetchEdges, state.edge),
      );
    }
    if (Object.keys(update).length > 0) await run.hull.updateSettings({ private_settings: update });
  }

  return async (job: StoredJob, control: JobControl) => {
    const run = await plan(job, control);
    const state = restore(job);
    const log = progressLog(job);
    const started = Date.now();
    for await (const { page, following } of pages(run, state, control)) {
      await writePage(job, run, state, page);
      state.cursor = following;
      state.done = !following;
      const progress = progressOf(state, (Date.now() - started) / 1000, page.total_count);
      await checkpoint(control, run, state, progress);
      log(progress, !following);
      if (following && control.signal.aborted) throw new JobAborted();
    }
    await finish(run, state);
  };
}
