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
    const summary = await withExtractLines(url, job.id, download, (extract) =>
      sendExtract(run, extract, {
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
      }),
    );
    await control.checkpoint({
      progress: {
        fetched: skipLines + summary.users,
        total: skipLines + summary.users,
        errors: summary.failed,
      },
    });
  };
}
