import type { JobControl, JobHandler } from "../../jobs/execute-job";
import type { StoredJob } from "../../jobs/types";
import { readSettings } from "../../settings";
import type { CustomAttributeCache } from "../intercom/custom-attributes";
import { openOutgoingRun, type OutgoingDeps } from "./open-outgoing-run";
import { rm } from "node:fs/promises";
import type { SafeFetch } from "../../clients/safe-fetch";
import type { ExtractFiles } from "../hull-input/extract-files";
import type { PendingUsers } from "../pending/pending-users";
import { downloadExtract, extractLines } from "../hull-input/read-extract";
import { sendExtract } from "./send-extract";

/**
 * A "send to Intercom" extract as a job: what Hull was told is accepted survives a restart, and
 * resumes after the last chunk Intercom took (a checkpoint per chunk).
 * The handler throws what the download (BadRequestError) and the run (ConfigurationError,
 * RetryableError) throw, and an Error for a job without a URL (a bug: /batch always gives one).
 */
export function createExtractHandler(
  deps: OutgoingDeps & { pending: PendingUsers },
  attributeCache: CustomAttributeCache,
  download: { files: ExtractFiles; fetch: SafeFetch },
): JobHandler {
  return async (job: StoredJob, control: JobControl) => {
    const { credentials } = job;
    const url = job.params.url;
    if (!url) throw new Error("This extract job has no URL");
    const hull = deps.hullClient(credentials);
    const [connector, segments] = await Promise.all([hull.getConnector(), hull.getSegments()]);
    const run = openOutgoingRun(deps, credentials, readSettings(connector), { attributeCache });
    const skipLines = Number(job.checkpoint.lines ?? 0);
    run.logger.info({ job: job.id, resumeAt: skipLines }, "outgoing.batch.start");
    // Personal data: the file lives only as long as the job does, whatever its outcome.
    const file = await download.files.fileFor(job.id);
    let summary: Awaited<ReturnType<typeof sendExtract>>;
    try {
      await downloadExtract(url, file, { fetch: download.fetch });
      summary = await sendExtract(run, extractLines(file), {
        segmentNames: new Map(segments.map(({ id, name }) => [id, name])),
        skipLines,
        keep: (unsent) =>
          deps.pending.add(
            credentials,
            unsent.map(({ update }) => ({ update, manual: true })),
          ),
        onChunkDone: (lines, progress) =>
          control.checkpoint({
            checkpoint: { lines },
            progress: { fetched: lines, errors: progress.failed },
          }),
      });
    } finally {
      await rm(file, { force: true });
    }
    await control.checkpoint({
      progress: {
        fetched: skipLines + summary.users,
        total: skipLines + summary.users,
        errors: summary.failed,
      },
    });
  };
}
