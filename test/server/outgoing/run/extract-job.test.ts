// The job part every extract send shares: records that failed are counted once across the tries
// and restarts of one job (docs/adr/025: a job tries again from its checkpoint).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { JobControl } from "../../../../server/jobs/execute-job";
import type { StoredJob } from "../../../../server/jobs/types";
import { createExtractFiles } from "../../../../server/outgoing/hull-input/extract-files";
import { runExtractJob } from "../../../../server/outgoing/run/extract-job";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "extract-job-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const extract = '{"id":"u1"}\n{"id":"u2"}\n{"id":"u3"}\n';
const download = () => ({
  files: createExtractFiles(dir),
  fetch: async () => new Response(extract),
});

function stored(checkpoint: Record<string, unknown>, errors: number): StoredJob {
  return {
    id: "j1",
    connectorId: "c1",
    kind: "send-extract",
    mode: "full",
    state: "running",
    params: { url: "https://hull.example/extract.json" },
    checkpoint,
    progress: { fetched: Number(checkpoint.lines ?? 0), errors },
    credentials: { id: "c1", organization: "org.hullapp.io", secret: "s" },
  };
}

/** A control that applies checkpoints to the job as execute-job's does. */
const controlOf = (job: StoredJob): JobControl => ({
  signal: new AbortController().signal,
  async checkpoint(update) {
    if (update.checkpoint) job.checkpoint = { ...job.checkpoint, ...update.checkpoint };
    if (update.progress) job.progress = { ...job.progress, ...update.progress };
  },
});

/** A send that takes the lines after the checkpoint and fails one record of them. */
async function sendFailingOne(lines: AsyncIterable<string>, step: { skipLines: number }) {
  let records = 0;
  for await (const line of lines) if (line) records++;
  return { records: records - step.skipLines, failed: 1 };
}

describe("runExtractJob's error count", () => {
  it("adds the failures of the lines an earlier try finished to this try's", async () => {
    // An earlier try sent 2 lines, 3 of its records failed, and saved that with its checkpoint.
    const job = stored({ lines: 2 }, 3);
    await runExtractJob(job, controlOf(job), download(), sendFailingOne);
    expect(job.progress).toMatchObject({ fetched: 3, total: 3, errors: 4 });
  });

  it("counts only this try's failures when no earlier one reached a checkpoint", async () => {
    const job = stored({}, 0);
    await runExtractJob(job, controlOf(job), download(), sendFailingOne);
    expect(job.progress).toMatchObject({ fetched: 3, total: 3, errors: 1 });
  });
});
