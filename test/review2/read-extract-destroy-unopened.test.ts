// Review 2 finding (fix 9d0b1ea, server/outgoing/hull-input/read-extract.ts): on a failure before
// the pipeline took the file, the catch now calls `sink.destroy()`. But nothing listens for the
// file stream's "error" then (only `pipeline` would have), and a file stream destroyed while it
// is still opening reports a failed open as an "error" event and never emits "close". So when the
// body cannot be read (the case the fix is for) and the file cannot be opened either (EMFILE under
// load, EACCES, its directory gone), the failed open is an uncaught exception, which stops the
// server, and the download still never settles (its `finally` waits for "close").
import { describe, expect, it } from "vitest";
import { downloadExtract } from "../../server/outgoing/hull-input/read-extract";
import { waitUntil } from "../helpers/wait";

describe("downloadExtract when the body cannot be read and the file cannot be opened", () => {
  it("rejects, without an uncaught error", async () => {
    const uncaught: unknown[] = [];
    const listener = (error: unknown) => uncaught.push(error);
    // Vitest's own listener would fail the run; this one records what would stop the server.
    const theirs = process.listeners("uncaughtException");
    process.removeAllListeners("uncaughtException");
    process.on("uncaughtException", listener);
    try {
      const fetchLocked = async () => {
        const response = new Response('{"id":"a"}\n', { status: 200 });
        response.body!.getReader();
        return response;
      };
      let outcome: string | undefined;
      downloadExtract("https://extract.example/x", "/nonexistent-review2-dir/extract.json", {
        fetch: fetchLocked,
      }).then(
        () => (outcome = "resolved"),
        (error: Error) => (outcome = `rejected: ${error.message}`),
      );
      // A ceiling for a hang, not a measurement: nothing here needs the network.
      await waitUntil(() => outcome !== undefined || uncaught.length > 0, {
        what: "the download to settle",
        timeoutMs: 10_000,
      }).catch(() => undefined);
      // Give a late "error" event its chance to surface.
      await waitUntil(() => outcome, { timeoutMs: 2_000 }).catch(() => undefined);
      expect(uncaught.map(String), "uncaught exceptions").toEqual([]);
      expect(outcome ?? "never settled").toMatch(/^rejected/);
    } finally {
      process.off("uncaughtException", listener);
      for (const other of theirs) process.on("uncaughtException", other);
    }
  });
});
