import type { IntercomApi } from "../../clients/intercom/api";
import type { CompanyScroll, IntercomCompany } from "../../clients/intercom/companies";
import { IntercomApiError, IntercomUnavailableError } from "../../clients/intercom/errors";
import type { FirehoseEntry, HullCredentials } from "../../clients/hull/types";
import { intercomApiFor } from "../../connection/intercom-api-for";
import { writeToHull } from "../../durable/write-to-hull";
import { ConfigurationError, RetryableError } from "../../errors";
import type { FetchDeps } from "../../incoming/fetch/fetch-contacts";
import { contactClaims } from "../../incoming/mapping/contact-claims";
import { JobAborted, type JobControl, type JobHandler } from "../../jobs/job-runner";
import type { StoredJob } from "../../jobs/types";
import { readSettings } from "../../settings";
import { readAccountSettings } from "../account-settings";
import { stringAt } from "../../incoming/mapping/read";
import { RESTART_WAIT_MS, scrollEnding } from "./scroll-ending";
import {
  chosenCompany,
  companyAccountClaims,
  mapCompanyToHullAccount,
  type IncomingAccountRow,
} from "../mapping/company-to-hull-account";

/** Contacts per `GET /companies/{id}/contacts` page (the description's example shows 50). */
const CONTACTS_PAGE = 50;

interface Checkpoint {
  /** Times the scroll started again (bounded by `pageAttempts`): a scroll cannot resume. */
  restarts?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Workspaces with a scroll open in this process: Intercom allows one scroll per app at a time
 * (official description, scrollOverAllCompanies), so a second connector of the same workspace
 * waits here instead of meeting `scroll_exists`.
 */
const openScrolls = new Map<string, Promise<void>>();

async function oneScrollAtATime<T>(appId: string, work: () => Promise<T>): Promise<T> {
  while (openScrolls.has(appId)) await openScrolls.get(appId)!.catch(() => undefined);
  let release!: () => void;
  openScrolls.set(
    appId,
    new Promise<void>((resolve) => {
      release = resolve;
    }),
  );
  try {
    return await work();
  } finally {
    openScrolls.delete(appId);
    release();
  }
}

/**
 * One page of a company's contacts, or undefined when Intercom no longer has the company (404
 * "Company Not Found", the description's ListAttachedContacts): deleted between the scroll page
 * and this read, so it has no contacts to link, and its `company.deleted` webhook marks the
 * account. Any other refusal is thrown (IntercomApiError), as are rate limits and outages.
 */
async function contactsOrGone(
  api: Pick<IntercomApi, "listCompanyContacts">,
  companyId: string,
  page: number,
) {
  try {
    return await api.listCompanyContacts(companyId, page, CONTACTS_PAGE);
  } catch (error) {
    if (error instanceof IntercomApiError && error.upstreamStatus === 404) return undefined;
    throw error;
  }
}

/**
 * What one page of companies becomes in Hull: each company's account (claims and `intercom/`
 * attributes) and, for each contact attached to it whose chosen company it is (`chosenCompany`:
 * the newest the contact lists, docs/adr/020), the link of that user to the account
 * (`asUser(u).account(a)`). A contact with several companies is linked in its chosen company's
 * pass only, so the fetch ends with the same link a webhook about the contact would write.
 * A company Intercom deleted since the scroll read it keeps its account write, without links.
 */
export async function companyPageEntries(
  api: Pick<IntercomApi, "listCompanyContacts">,
  companies: readonly IntercomCompany[],
  incomingAttributes: readonly IncomingAccountRow[],
): Promise<{ entries: FirehoseEntry[]; accounts: number; links: number }> {
  const entries: FirehoseEntry[] = [];
  let accounts = 0;
  let links = 0;
  for (const company of companies) {
    const account = mapCompanyToHullAccount(company, { incomingAttributes });
    if (!account) continue;
    accounts += 1;
    entries.push({ type: "traits", claims: {}, account: account.claims, body: account.attributes });
    if (company.user_count === 0) continue;
    const claims = companyAccountClaims(company)!;
    for (let page = 1; ; page++) {
      const list = await contactsOrGone(api, company.id, page);
      if (!list) break;
      for (const contact of list.data ?? []) {
        const user = contactClaims(contact);
        if (!user) continue;
        if (stringAt(chosenCompany(contact, { named: company }), "id") !== company.id) continue;
        entries.push({ type: "traits", claims: user, account: claims, body: {} });
        links += 1;
      }
      const pages = list.pages?.total_pages ?? 1;
      if (page >= pages || (list.data ?? []).length === 0) break;
    }
  }
  return { entries, accounts, links };
}

/**
 * "Fetch all companies" (dashboard): scrolls every Intercom company (`GET /companies/scroll`, one
 * scroll per workspace at a time) and writes each as a Hull account linked to its contacts, one
 * page after the other, each acknowledged by Hull before the next checkpoint. Rate limits slow it
 * down. Whatever the official description says ends a scroll (scrollEnding: a 5xx or no answer
 * for a page, an expired or unknown parameter, another scroll of the workspace open) makes it wait
 * (RESTART_WAIT_MS) and start the scroll again from the first page, at most `pageAttempts` times
 * in a job (writes are idempotent; Intercom's scroll cannot resume from a point, so neither can a
 * restarted job). A null page, or one with no companies or no `scroll_param`, is the end
 * (`company_scroll` is nullable; the description and intercom-client 7.0.3's pager).
 * The handler throws ConfigurationError when Intercom is not connected, JobAborted when the job is
 * stopped, and what Intercom's client and the firehose throw (RetryableError: the job waits and
 * retries).
 */
export function createFetchCompaniesHandler(
  deps: FetchDeps & { sleep?: (ms: number) => Promise<void> },
): JobHandler {
  const sleep = deps.sleep ?? defaultSleep;
  const attempts = deps.pageAttempts ?? 30;

  /**
   * `call`, tried again after a RetryableError (a rate limit, an outage) up to `attempts` times,
   * except for an IntercomUnavailableError when `repeatable` is false: a scroll page that failed
   * cannot be asked for again, the scroll is restarted instead.
   */
  async function patiently<T>(
    call: () => Promise<T>,
    control: JobControl,
    repeatable = true,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (!(error instanceof RetryableError) || attempt >= attempts) throw error;
        if (!repeatable && error instanceof IntercomUnavailableError) throw error;
        if (control.signal.aborted) throw new JobAborted();
        await sleep(Math.min(60_000, error.retryAfterMs ?? 1000 * attempt));
      }
    }
  }

  return async (job: StoredJob, control: JobControl) => {
    const credentials: HullCredentials = job.credentials;
    const connector = await deps.hullClient(credentials).getConnector();
    const settings = readSettings(connector);
    const { incomingAccountAttributes } = readAccountSettings(connector);
    const api = intercomApiFor(deps.intercom, settings);
    if (!api || !settings.workspace)
      throw new ConfigurationError(
        "Intercom is not connected: connect it from the dashboard, then fetch again.",
      );
    const logger = deps.logger.child({ connector: credentials.id, job: job.id, kind: job.kind });
    const saved = job.checkpoint as Checkpoint;
    let restarts = saved.restarts ?? 0;
    if (job.progress.fetched > 0)
      logger.info("a company scroll cannot resume: reading from the start");
    let fetched = 0;
    let written = 0;
    const started = Date.now();

    await oneScrollAtATime(settings.workspace.app_id, async () => {
      let param: string | undefined;
      for (;;) {
        let page: CompanyScroll | null;
        try {
          page = await patiently(() => api.scrollCompanies(param), control, false);
        } catch (error) {
          const ending = scrollEnding(error, param !== undefined);
          if (!ending || restarts >= attempts) throw error;
          restarts += 1;
          logger.warn(
            { reason: (error as Error).message, ending, restarts },
            "company scroll restarts",
          );
          if (RESTART_WAIT_MS[ending] > 0) await sleep(RESTART_WAIT_MS[ending]);
          if (control.signal.aborted) throw new JobAborted();
          param = undefined;
          fetched = 0;
          written = 0;
          continue;
        }
        const companies = page?.data ?? [];
        if (companies.length > 0) {
          const { entries, accounts, links } = await patiently(
            () => companyPageEntries(api, companies, incomingAccountAttributes),
            control,
          );
          await writeToHull(deps, credentials, entries, "fetch");
          fetched += companies.length;
          written += accounts;
          deps.activity.count(credentials.id, "companies fetched", companies.length);
          deps.activity.count(credentials.id, "accounts written to Hull", accounts);
          deps.activity.count(credentials.id, "contacts linked to accounts", links);
        }
        const elapsed = (Date.now() - started) / 1000;
        const rate = elapsed > 0 ? fetched / elapsed : undefined;
        const total = page?.total_count ?? undefined;
        await control.checkpoint({
          checkpoint: { restarts },
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
        logger.info({ read: fetched, written, total }, "company fetch progress");
        // The last page is empty and carries no scroll_param, or is null (the description; the
        // SDK's pager stops on a null page or an unset or empty scroll_param).
        if (companies.length === 0 || !page?.scroll_param) break;
        param = page.scroll_param;
        if (control.signal.aborted) throw new JobAborted();
      }
    });
  };
}
