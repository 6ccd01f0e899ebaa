import type { JobControl, JobHandler } from "../../jobs/execute-job";
import type { StoredJob } from "../../jobs/types";
import { readSettings } from "../../settings";
import type { CustomAttributeCache } from "../intercom/custom-attributes";
import { openOutgoingRun, type OutgoingDeps } from "./open-outgoing-run";
import type { SafeFetch } from "../../clients/safe-fetch";
import type { ExtractFiles } from "../hull-input/extract-files";
import type { PendingUsers } from "../pending/pending-users";
import { withExtractLines } from "../hull-input/read-extract";
import { sendExtract } from "./send-extract";

/** Where a job's extract is kept while it is read, and the SSRF-safe fetch it comes by. */
export type ExtractDownload = { files: ExtractFiles; fetch: SafeFetch };

/** How a send of an extract's lines is driven by its job. */
export interface ExtractJobStep {
  /** Lines an earlier run of the same job finished (the checkpoint), to skip. */
  skipLines: number;
  /** Called after each chunk with the lines done and the records that failed so far. */
  onChunkDone: (lines: number, progress: { failed: number }) => Promise<void>;
}

/**
 * The job part every extract send shares (users and accounts): downloads the job's extract and
 * removes it after (`withExtractLines`), hands `send` its lines with the lines to skip and a
 * checkpoint per chunk, and records the total (`records`: the records `send` handled) at the end.
 * Throws an Error for a job without a URL (a bug: /batch always gives one) and what the download
 * (RetryableError when it may pass, BadRequestError when not) and `send` throw.
 */
export async function runExtractJob(
  job: StoredJob,
  control: JobControl,
  download: ExtractDownload,
  send: (
    lines: AsyncIterable<string>,
    step: ExtractJobStep,
  ) => Promise<{ records: number; failed: number }>,
): Promise<void> {
  const url = job.params.url;
  if (!url) throw new Error("This extract job has no URL");
  const skipLines = Number(job.checkpoint.lines ?? 0);
  // Records that failed in the lines an earlier try or process finished: saved with the same
  // checkpoint, so they are counted once. Lines after it are sent again and counted again.
  const earlierErrors = skipLines > 0 ? job.progress.errors : 0;
  const done = await withExtractLines(url, job.id, download, (lines) =>
    send(lines, {
      skipLines,
      onChunkDone: (linesDone, progress) =>
        control.checkpoint({
          checkpoint: { lines: linesDone },
          progress: { fetched: linesDone, errors: earlierErrors + progress.failed },
        }),
    }),
  );
  await control.checkpoint({
    progress: {
      fetched: skipLines + done.records,
      total: skipLines + done.records,
      errors: earlierErrors + done.failed,
    },
  });
}

/**
 * A "send to Intercom" extract as a job: what Hull was told is accepted survives a restart, and
 * resumes after the last chunk Intercom took (a checkpoint per chunk).
 * The handler throws what the download (RetryableError, BadRequestError) and the run
 * (ConfigurationError, RetryableError) throw, and an Error for a job without a URL (a bug: /batch
 * always gives one). A RetryableError queues the job again from its checkpoint (docs/adr/025).
 */
export function createExtractHandler(
  deps: OutgoingDeps & { pending: PendingUsers },
  attributeCache: CustomAttributeCache,
  download: ExtractDownload,
): JobHandler {
  return async (job: StoredJob, control: JobControl) => {
    const { credentials } = job;
    const hull = deps.hullClient(credentials);
    const [connector, segments] = await Promise.all([hull.getConnector(), hull.getSegments()]);
    const run = openOutgoingRun(deps, credentials, readSettings(connector), { attributeCache });
    await runExtractJob(job, control, download, async (lines, step) => {
      run.logger.info({ job: job.id, resumeAt: step.skipLines }, "outgoing.batch.start");
      const summary = await sendExtract(run, lines, {
        ...step,
        segmentNames: new Map(segments.map(({ id, name }) => [id, name])),
        segmentId: job.params.segment_id,
        keep: (unsent) =>
          deps.pending.add(
            credentials,
            unsent.map(({ update }) => ({ update, manual: true })),
          ),
      });
      return { records: summary.users, failed: summary.failed };
    });
  };
}
