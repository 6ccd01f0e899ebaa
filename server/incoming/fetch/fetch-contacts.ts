import type { ActivityLog } from "../../activity";
import type { FirehoseWriter } from "../../clients/hull/firehose";
import type { HullRestClient } from "../../clients/hull/rest";
import type { FirehoseEntry, HullCredentials } from "../../clients/hull/types";
import type { IntercomApi } from "../../clients/intercom/api";
import type { IntercomConnections } from "../../clients/intercom/connections";
import type { ContactList, IntercomContact } from "../../clients/intercom/types";
import { intercomApiFor } from "../../connection/intercom-api-for";
import type { DeadLetterStore } from "../../durable/dead-letters";
import { writeToHull, type WriteToHullDeps } from "../../durable/write-to-hull";
import { ConfigurationError, RetryableError } from "../../errors";
import { JobAborted, type JobControl, type JobHandler } from "../../jobs/job-runner";
import type { StoredJob } from "../../jobs/types";
import type { Logger } from "../../log";
import { readSettings, type ConnectorSettings } from "../../settings";
import { toUnixSeconds, unixSecondsOf } from "../../time";
import { accountLinkEntries } from "../../accounts/mapping/company-notification";
import { customAttributeNames, mapContactToHullUser } from "../mapping/contact-to-hull-user";
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
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

interface Checkpoint {
  window?: FetchWindow & { from?: number };
  /** The workspace's timezone the query was built with (null: unknown), so a resumed run asks the same. */
  timezone?: string | null;
  cursor?: string;
  newest?: number;
  edge?: Record<string, number>;
  written?: number;
  done?: boolean;
}

const SETTINGS = {
  user: {
    cursor: "last_updated_at",
    edge: "users",
    read: "users fetched",
    written: "users written to Hull",
  },
  lead: {
    cursor: "leads_last_fetched_at",
    edge: "leads",
    read: "leads fetched",
    written: "leads written to Hull",
  },
} as const;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Writes one page of Intercom contacts to Hull through the firehose, mapped like webhooks (traits and
 * the lead's visitor alias). Resolves once Hull accepted the page; throws what the firehose throws.
 * Returns how many contacts were written and the custom attribute names seen on users.
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
    const user = mapContactToHullUser(contact, {
      roleHint: options.role,
      incomingAttributes: options.incomingAttributes,
    });
    if (!user) continue;
    written++;
    entries.push({ type: "traits", claims: user.claims, body: user.attributes });
    for (const anonymous_id of user.aliases)
      entries.push({ type: "alias", claims: user.claims, body: { anonymous_id } });
    // The contact's company is the user's account (docs/adr/020).
    entries.push(...accountLinkEntries(contact, user.claims));
    if (options.role === "user")
      for (const name of customAttributeNames(contact)) customAttributes.add(name);
  }
  await writeToHull(deps, credentials, entries, "fetch");
  return { written, customAttributes: [...customAttributes] };
}

/**
 * Fetches every contact of one role (or those changed since the last cursor) page by page: 150 per
 * request, each page written to Hull and acknowledged before its checkpoint, so memory stays flat
 * and a restart resumes at the next page.
 *
 * Incremental runs search whole calendar days in the workspace's timezone (Intercom's search has no
 * finer grain) from the cursor's day, oldest first, and keep the contacts whose full updated_at is
 * after the cursor minus the overlap; see fetch-window.ts and docs/ARCHITECTURE.md. The cursor
 * (newest updated_at seen) is stored when the run ends; a fresh install's first run starts
 * `firstRunLookbackSeconds` back and stores one too.
 */
export function createFetchHandler(deps: FetchDeps, role: "user" | "lead"): JobHandler {
  const overlap = deps.overlapSeconds ?? 300;
  const lookback = deps.firstRunLookbackSeconds ?? 86_400;
  const sleep = deps.sleep ?? defaultSleep;
  const now = () => deps.now?.() ?? new Date();
  const names = SETTINGS[role];

  async function pageWithPatience<T>(fetchPage: () => Promise<T>, control: JobControl): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fetchPage();
      } catch (error) {
        // Rate limits and outages slow a fetch down; they do not end it.
        if (!(error instanceof RetryableError) || attempt >= (deps.pageAttempts ?? 30)) throw error;
        if (control.signal.aborted) throw new JobAborted();
        await sleep(Math.min(60_000, error.retryAfterMs ?? 1000 * attempt));
      }
    }
  }

  /** The workspace's timezone from /me; undefined (and a wider query) when Intercom does not say. */
  async function workspaceTimezone(api: IntercomApi, control: JobControl, job: StoredJob) {
    try {
      const me = await pageWithPatience(() => api.me(), control);
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

  return async (job: StoredJob, control: JobControl) => {
    const credentials = job.credentials;
    const hull = deps.hullClient(credentials);
    const settings = readSettings(await hull.getConnector());
    const api: IntercomApi | undefined = intercomApiFor(deps.intercom, settings);
    if (!api)
      throw new ConfigurationError(
        "Intercom is not connected: connect it from the dashboard, then fetch again.",
      );

    const saved = job.checkpoint as Checkpoint;
    const incremental = job.mode === "incremental";
    const storedCursor = toUnixSeconds(
      role === "user" ? settings.lastUpdatedAt : settings.leadsLastFetchedAt,
    );
    const window: FetchWindow & { from?: number } =
      saved.window ??
      (incremental
        ? incrementalWindow(storedCursor, unixSecondsOf(now()), overlap, lookback)
        : { after: job.params.updated_after, before: job.params.updated_before });
    const timezone =
      saved.timezone !== undefined
        ? (saved.timezone ?? undefined)
        : window.after !== undefined || window.before !== undefined
          ? await workspaceTimezone(api, control, job)
          : undefined;
    const previousEdge = incremental ? settings.fetchEdges[names.edge] : {};
    const { query, sort } = buildFetchQuery(role, window, timezone);
    let { cursor, newest } = saved;
    // Keyed by contact id (Intercom's input): no prototype, so "__proto__" is a key like any other.
    let edge: Record<string, number> = Object.assign(Object.create(null), saved.edge);
    const seenCustom = new Set<string>();
    const started = Date.now();
    let readThisRun = 0;
    let fetched = job.progress.fetched;
    let written = saved.written ?? 0;
    let lastLog = 0;

    const fetchPage = (after?: string) =>
      pageWithPatience(() => api.searchContacts(query, after, undefined, sort), control);
    let next: Promise<ContactList> | undefined = saved.done ? undefined : fetchPage(cursor);
    while (next) {
      const page = await next;
      const following = page.pages?.next?.starting_after ?? undefined;
      // Read the next page while this one is written to Hull.
      next = following ? fetchPage(following) : undefined;
      next?.catch(() => undefined);

      const selection = selectContacts(page.data, window, previousEdge, edge, newest);
      newest = selection.newest;
      const result = await writeContactsToHull(deps, credentials, selection.write, {
        role,
        incomingAttributes: settings.incomingAttributes,
      });
      for (const name of result.customAttributes) seenCustom.add(name);
      fetched += page.data.length;
      readThisRun += page.data.length;
      written += result.written;
      // Only an incremental run hands its edge to the next one; a full fetch keeps none.
      if (!incremental) edge = {};
      else if (newest !== undefined) edge = trimEdge(edge, newest, overlap);
      cursor = following;
      const elapsed = (Date.now() - started) / 1000;
      const rate = elapsed > 0 ? readThisRun / elapsed : undefined;
      const total = page.total_count;
      await control.checkpoint({
        checkpoint: {
          window,
          timezone: timezone ?? null,
          cursor,
          newest,
          edge,
          written,
          done: !following,
        },
        progress: {
          fetched,
          written,
          total,
          rate_per_s: rate === undefined ? undefined : Math.round(rate),
          eta_s:
            rate && total !== undefined
              ? Math.max(0, Math.round((total - fetched) / rate))
              : undefined,
        },
      });
      deps.activity.count(credentials.id, names.read, page.data.length);
      deps.activity.count(credentials.id, names.written, result.written);
      if (Date.now() - lastLog > 5000 || !following) {
        lastLog = Date.now();
        deps.logger.info(
          {
            connector: credentials.id,
            job: job.id,
            role,
            mode: job.mode,
            read: fetched,
            written,
            total,
            rate_per_s: job.progress.rate_per_s,
          },
          "fetch progress",
        );
      }
      if (following && control.signal.aborted) throw new JobAborted();
    }

    const update: Record<string, unknown> = {};
    if (seenCustom.size > 0)
      update.custom_attributes = [...new Set([...settings.customAttributes, ...seenCustom])].sort();
    if (incremental) {
      // The newest update seen; with none, the cursor stays where it was (or, on a fresh install,
      // at the start of the look-back), so the next run reads the same short window again.
      const next = newest ?? storedCursor ?? window.from;
      if (next !== undefined) update[names.cursor] = new Date(next * 1000).toISOString();
      update.fetch_edges = { ...settings.fetchEdges, [names.edge]: edge };
    }
    if (Object.keys(update).length > 0) await hull.updateSettings({ private_settings: update });
  };
}
