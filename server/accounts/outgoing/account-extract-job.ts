import type { RetryableError } from "../../errors";
import type { JobControl, JobHandler } from "../../jobs/execute-job";
import type { StoredJob } from "../../jobs/types";
import type { CustomAttributeCache } from "../../outgoing/intercom/custom-attributes";
import { inChunks, skipFirst } from "../../outgoing/hull-input/read-extract";
import { runExtractJob, type ExtractDownload } from "../../outgoing/run/extract-job";
import type { OutgoingDeps } from "../../outgoing/run/open-outgoing-run";
import { readAccountReport, type AccountUpdate } from "./account-update";
import { openAccountRun } from "./handle-account-notification";
import { syncAccounts, type AccountRun } from "./sync-accounts";

export interface AccountExtractSummary {
  /** Account reports read (readable lines). */
  accounts: number;
  synced: number;
  failed: number;
  /** Accounts with nothing to be a company by (no external_id nor domain). */
  skipped: number;
  unreadable: number;
}

export interface SendAccountExtractOptions {
  /** Account segment id → name (`accounts_segments`), for the company tags. */
  segmentNames: ReadonlyMap<string, string>;
  /** The account segment the extract's callback names (`job.params.segment_id`), if any. */
  segmentId?: string;
  /** Accounts per chunk: one checkpoint per chunk. */
  chunkSize?: number;
  /** Attempts per account while Intercom is unavailable or rate-limits, before the job fails. */
  maxAttempts?: number;
  /** Wait (ms) before a retry when Intercom gave no time. */
  retryDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Lines already sent by an earlier run of the same extract (resuming after a restart). */
  skipLines?: number;
  /** Told after each chunk how many lines are done, for the job's checkpoint. */
  onChunkDone?: (linesDone: number, summary: AccountExtractSummary) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function parseLine(
  line: string,
  names: ReadonlyMap<string, string>,
  segmentId: string | undefined,
): AccountUpdate | undefined {
  try {
    return readAccountReport(JSON.parse(line), names, segmentId);
  } catch {
    return undefined;
  }
}

/**
 * Hull's manual "Send to Intercom" of accounts (an `account_report` extract, hull-platform.md
 * §2.6): every account of the file becomes its Intercom company through the same path as
 * `account:update` (`syncAccounts`), whatever the account segment whitelist says (as manual user
 * sends, `send-extract.ts`), tagged with all its account segments. Accounts go one after the
 * other on the workspace's paced client; a rate limit or outage waits (Intercom's time, else
 * `retryDelayMs`) and sends the account again, and after `maxAttempts` the RetryableError is
 * thrown: the job waits and tries again from its checkpoint (docs/adr/025; the activity log says
 * so), and fails once a day has passed without progress. Contacts are not attached here: the
 * extract holds accounts, not their users (their own sends attach them, docs/adr/020).
 */
export async function sendAccountExtract(
  run: AccountRun,
  lines: AsyncIterable<string>,
  options: SendAccountExtractOptions,
): Promise<AccountExtractSummary> {
  const {
    segmentNames,
    segmentId,
    chunkSize = 50,
    maxAttempts = 20,
    retryDelayMs = 10_000,
    sleep = defaultSleep,
    skipLines = 0,
    onChunkDone,
  } = options;
  const connector = run.credentials.id;
  const summary: AccountExtractSummary = {
    accounts: 0,
    synced: 0,
    failed: 0,
    skipped: 0,
    unreadable: 0,
  };
  let linesDone = skipLines;
  for await (const chunk of inChunks(skipFirst(lines, skipLines), chunkSize)) {
    const updates: AccountUpdate[] = [];
    for (const line of chunk) {
      const update = parseLine(line, segmentNames, segmentId);
      if (update) updates.push(update);
      else summary.unreadable += 1;
    }
    summary.accounts += updates.length;
    const outcomes = await syncAccounts(run, updates, {
      manual: true,
      waitBeforeRetry: async (error: RetryableError, attempt: number) => {
        if (attempt >= maxAttempts) throw error;
        const waitMs = error.retryAfterMs ?? retryDelayMs;
        run.logger.warn({ waitMs, attempt }, "service.api.ratelimit: account extract waits");
        await sleep(waitMs);
      },
    });
    for (const outcome of outcomes) {
      if (outcome.skipped) summary.skipped += 1;
      else if (outcome.problems.length > 0) summary.failed += 1;
      else summary.synced += 1;
    }
    run.activity.count(connector, "outgoing.extract.accounts", updates.length);
    linesDone += chunk.length;
    await onChunkDone?.(linesDone, summary);
  }
  if (summary.unreadable > 0) {
    run.logger.warn({ lines: summary.unreadable }, "unreadable account extract lines skipped");
  }
  run.logger.info({ ...summary }, "outgoing.account_batch.done");
  return summary;
}

/**
 * A "Send to Intercom" of accounts as a job (`send-account-extract`), like the user extract
 * (`outgoing/run/extract-job.ts`): accepted means durable, a restart resumes after the last chunk
 * (checkpoint `lines`), progress counts the accounts handled. The file is removed whatever the
 * outcome. Throws ConfigurationError when Intercom is not connected, and RetryableError (it may
 * pass: the job tries again) or BadRequestError (it will not) when the extract cannot be downloaded.
 */
export function createAccountExtractHandler(
  deps: OutgoingDeps,
  attributeCache: CustomAttributeCache,
  download: ExtractDownload,
  sendOptions: Pick<SendAccountExtractOptions, "sleep" | "retryDelayMs" | "maxAttempts"> = {},
): JobHandler {
  return async (job: StoredJob, control: JobControl) => {
    const { credentials } = job;
    const hull = deps.hullClient(credentials);
    const [connector, segments] = await Promise.all([
      hull.getConnector(),
      hull.getAccountSegments?.() ?? [],
    ]);
    // A manual send: opened whatever the whitelist (never undefined then).
    const run = openAccountRun(deps, credentials, connector, { attributeCache, manual: true })!;
    await runExtractJob(job, control, download, async (lines, step) => {
      run.logger.info({ job: job.id, resumeAt: step.skipLines }, "outgoing.account_batch.start");
      const summary = await sendAccountExtract(run, lines, {
        ...sendOptions,
        ...step,
        segmentNames: new Map(segments.map(({ id, name }) => [id, name])),
        segmentId: job.params.segment_id,
      });
      return { records: summary.accounts, failed: summary.failed };
    });
  };
}
