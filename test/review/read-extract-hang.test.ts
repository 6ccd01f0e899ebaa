// Review finding: downloadExtract (server/outgoing/hull-input/read-extract.ts) now opens its file
// (`createWriteStream`) before the pipeline, and its `finally` waits for that file's "close". The
// pipeline is what ends or destroys the file stream; when anything throws before `pipeline` takes
// the stream (its arguments are evaluated first: `Readable.fromWeb` throws at once for a body
// that is locked or already read), nothing ever closes the file. The download then never settles:
// the job hangs with no ceiling (its timer was already cleared), its file descriptor stays open and
// `withExtractLines` never reaches its `rm`, so the extract's personal data stays on disk.
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { downloadExtract } from "../../server/outgoing/hull-input/read-extract";
import { waitUntil } from "../helpers/wait";

const folder = mkdtempSync(join(tmpdir(), "review-extract-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const openPaths = () =>
  readdirSync("/proc/self/fd").flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/self/fd/${fd}`)];
    } catch {
      return [];
    }
  });

describe("downloadExtract when the body cannot be read at all", () => {
  it("settles (with an error the job can act on) and leaves its file closed", async () => {
    // A transport whose answer's body is already taken (a wrapper that peeked at it, say).
    const fetchLocked = async () => {
      const response = new Response('{"id":"a"}\n', { status: 200 });
      response.body!.getReader();
      return response;
    };
    const file = join(folder, "locked.json");
    let outcome: string | undefined;
    downloadExtract("https://extract.example/x", file, { fetch: fetchLocked }).then(
      () => (outcome = "resolved"),
      (error: Error) => (outcome = `rejected: ${error.message}`),
    );
    // A ceiling for a hang, not a measurement: the download needs no network here.
    await waitUntil(() => outcome, { what: "the download to settle", timeoutMs: 10_000 }).catch(
      () => undefined,
    );
    expect(outcome ?? "never settled").toMatch(/^rejected/);
    expect(openPaths()).not.toContain(file);
  });
});
