import type { ActivityLog } from "../../activity";
import type { FirehoseWriter } from "../../clients/hull/firehose";
import type { HullRestClient } from "../../clients/hull/rest";
import type { FirehoseEntry, HullCredentials } from "../../clients/hull/types";
import type { IntercomApi } from "../../clients/intercom/api";
import type { IntercomConnections } from "../../clients/intercom/connections";
import type { ContactList } from "../../clients/intercom/types";
import { intercomApiFor } from "../../connection/intercom-api-for";
import type { DeadLetterStore } from "../../durable/dead-letters";
import { writeToHull } from "../../durable/write-to-hull";
import { ConfigurationError, RetryableError } from "../../errors";
import { JobAborted, type JobControl, type JobHandler } from "../../jobs/job-runner";
import type { StoredJob } from "../../jobs/types";
import type { Logger } from "../../log";
import { readSettings } from "../../settings";
import { customAttributeNames, mapContactToHullUser } from "../mapping/contact-to-hull-user";
import { toUnixSeconds } from "../mapping/timestamps";
import {
  alreadyWritten,
  buildFetchQuery,
  incrementalWindow,
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
  /** How far back an incremental fetch re-reads before its cursor. */
  overlapSeconds?: number;
  /** How many times one page is tried again when Intercom keeps failing. */
  pageAttempts?: number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

interface Checkpoint {
  window?: FetchWindow;
  cursor?: string;
  newest?: number;
  edge?: Record<string, number>;
  done?: boolean;
}

const SETTINGS = {
  user: { cursor: "last_updated_at", edge: "users", counter: "users fetched" },
  lead: { cursor: "leads_last_fetched_at", edge: "leads", counter: "leads fetched" },
} as const;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Fetches every contact of one role (or those changed since the last cursor) page by page: 150 per
 * request, each page mapped like a webhook, written to Hull and acknowledged before its checkpoint,
 * so memory stays flat and a restart resumes at the next page.
 */
export function createFetchHandler(deps: FetchDeps, role: "user" | "lead"): JobHandler {
  const overlap = deps.overlapSeconds ?? 300;
  const sleep = deps.sleep ?? defaultSleep;
  const now = () => deps.now?.() ?? new Date();
  const names = SETTINGS[role];

  async function pageWithPatience(
    fetchPage: () => Promise<ContactList>,
    control: JobControl,
  ): Promise<ContactList> {
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
    const window: FetchWindow =
      saved.window ??
      (job.mode === "incremental"
        ? incrementalWindow(
            toUnixSeconds(role === "user" ? settings.lastUpdatedAt : settings.leadsLastFetchedAt),
            toUnixSeconds(now())!,
            overlap,
          )
        : { after: job.params.updated_after, before: job.params.updated_before });
    const previousEdge = job.mode === "incremental" ? settings.fetchEdges[names.edge] : {};
    const query = buildFetchQuery(role, window);
    let { cursor, newest = 0 } = saved;
    let edge: Record<string, number> = saved.edge ?? {};
    const seenCustom = new Set<string>();
    const started = Date.now();
    let fetchedThisRun = 0;
    let fetched = job.progress.fetched;
    let lastLog = 0;

    const fetchPage = (after?: string) =>
      pageWithPatience(() => api.searchContacts(query, after), control);
    let next: Promise<ContactList> | undefined = saved.done ? undefined : fetchPage(cursor);
    while (next) {
      const page = await next;
      const following = page.pages?.next?.starting_after ?? undefined;
      // Read the next page while this one is written to Hull.
      next = following ? fetchPage(following) : undefined;
      next?.catch(() => undefined);

      const entries: FirehoseEntry[] = [];
      for (const contact of page.data) {
        const updatedAt = toUnixSeconds(contact.updated_at);
        if (updatedAt !== undefined && updatedAt > newest) newest = updatedAt;
        if (updatedAt !== undefined) edge[contact.id] = updatedAt;
        if (alreadyWritten(previousEdge, contact.id, updatedAt)) continue;
        const user = mapContactToHullUser(contact, {
          roleHint: role,
          incomingAttributes: settings.incomingAttributes,
        });
        if (!user) continue;
        entries.push({ type: "traits", claims: user.claims, body: user.attributes });
        for (const anonymous_id of user.aliases)
          entries.push({ type: "alias", claims: user.claims, body: { anonymous_id } });
        if (role === "user") for (const name of customAttributeNames(contact)) seenCustom.add(name);
      }
      await writeToHull(deps, credentials, entries, "fetch");
      fetched += page.data.length;
      fetchedThisRun += page.data.length;
      edge = trimEdge(edge, newest, overlap);
      cursor = following;
      const elapsed = (Date.now() - started) / 1000;
      const rate = elapsed > 0 ? fetchedThisRun / elapsed : undefined;
      const total = page.total_count;
      await control.checkpoint({
        checkpoint: { window, cursor, newest, edge, done: !following },
        progress: {
          fetched,
          total,
          rate_per_s: rate === undefined ? undefined : Math.round(rate),
          eta_s:
            rate && total !== undefined
              ? Math.max(0, Math.round((total - fetched) / rate))
              : undefined,
        },
      });
      deps.activity.count(credentials.id, names.counter, page.data.length);
      if (Date.now() - lastLog > 5000 || !following) {
        lastLog = Date.now();
        deps.logger.info(
          {
            connector: credentials.id,
            job: job.id,
            role,
            fetched,
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
    if (job.mode === "incremental" && newest > 0) {
      update[names.cursor] = new Date(newest * 1000).toISOString();
      update.fetch_edges = { ...settings.fetchEdges, [names.edge]: edge };
    }
    if (Object.keys(update).length > 0) await hull.updateSettings({ private_settings: update });
  };
}
