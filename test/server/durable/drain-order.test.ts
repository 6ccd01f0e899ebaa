// Kind: a drain lands an older record after a newer one. Found in review (2026-12-01): when a
// drain offered many records at once, the firehose writer sent a newer record's batch while the
// older one's was being retried, and Hull kept the older values. A drain now offers one write at a
// time (offerInOrder). The server answers the first request only once a second one has arrived,
// so the test does not depend on timing.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createActivityLog } from "../../../server/activity";
import { createFirehoseWriter } from "../../../server/clients/hull/firehose";
import type { FirehoseEntry } from "../../../server/clients/hull/types";
import { createFileOutbox } from "../../../server/durable/file-outbox";
import { replayOutbox } from "../../../server/durable/replay-outbox";
import { createLogger } from "../../../server/log";
import { CREDENTIALS, fakeDeadLetters } from "../../helpers/fakes";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

const named = (name: string): FirehoseEntry => ({
  type: "traits",
  claims: { email: "ann@example.com" },
  body: { "intercom/name": name },
});

describe("a drain's group of records", () => {
  it("reaches Hull in the order the records were kept, even when Hull fails a batch once", async () => {
    const applied: string[] = [];
    const waitingFirst: ServerResponse[] = [];
    let requests = 0;
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let text = "";
      req.on("data", (chunk) => (text += chunk));
      req.on("end", () => {
        const n = ++requests;
        const names = (JSON.parse(text).batch as { body: Record<string, unknown> }[]).map((entry) =>
          String(entry.body["intercom/name"] ?? JSON.stringify(entry.body)),
        );
        if (n === 1) {
          waitingFirst.push(res); // Hull is slow on the first batch, then fails it
          return;
        }
        applied.push(...names);
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
        if (n === 2) {
          const first = waitingFirst.pop()!;
          first.writeHead(503, { "content-type": "application/json" }).end("{}");
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/firehose`;
    try {
      const dir = await mkdtemp(join(tmpdir(), "outbox-drain-"));
      dirs.push(dir);
      const outbox = createFileOutbox(dir, "a-long-enough-secret-for-the-test");
      await outbox.append(CREDENTIALS, [named("Old Name")]);
      await outbox.append(CREDENTIALS, [named("New Name")]);

      const deps = {
        // A held request gives up after 1 s (a ceiling for the hang, not a timing): then Hull answers.
        firehose: createFirehoseWriter({ url, timeoutMs: 1000, retryDelayMs: 1 }),
        deadLetters: fakeDeadLetters().store,
        activity: createActivityLog(),
        logger: createLogger("silent"),
        outbox,
      };
      await replayOutbox(deps, createLogger("silent"));
      // Both were delivered (the older one's retry succeeded), so the outbox let both go.
      expect(await outbox.size()).toBe(0);
      // What Hull applied last about the contact must be the newer record.
      expect(applied.at(-1)).toBe("New Name");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
