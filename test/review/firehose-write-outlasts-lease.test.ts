// Review finding: the late-write lease (server/redis/redis-late-writes.ts, 180 s) is sized on "the
// firehose writer tries a batch four times with a 15 s timeout (about 62 s) and may first wait for
// a batch of the same person (ADR 027)": two batches, one after the other, at most. Neither bound
// holds in the writer as it now is:
//  - a batch Hull refuses is split in halves written one after the other (ADR 027): finding one
//    bad entry among 100 is 15 requests in sequence, each with its own 15 s timeout and retries;
//  - an entry waits for every queued entry ahead of it that shares a subject, transitively
//    (`held`): a company fetch queues one link entry per contact, all sharing `account:<claim>`,
//    so they go one batch after another, and a webhook about the company's last contact waits
//    for all of them.
// A late write that outlasts its lease loses its mark while still in flight: another process's
// replay then goes, and the late write (the oldest data) lands last, which ADR 026 §3 exists to
// prevent. The same arithmetic sizes the outbox drain lock (120 s, redis-outbox.ts).
// These tests count requests that happen one after another; they measure no time.
import { afterEach, describe, expect, it } from "vitest";
import { createFirehoseWriter } from "../../server/clients/hull/firehose";
import type { FirehoseEntry } from "../../server/clients/hull/types";
import { startFakeServer, type FakeReply, type RecordedRequest } from "../helpers/fake-server";
import { waitUntil } from "../helpers/wait";

const credentials = {
  id: "5f0c1a2b3c4d5e6f7a8b9c0d",
  organization: "acme.hullapp.io",
  secret: "connector-secret",
};
type Batch = { batch: { body: Record<string, unknown> }[] };
const marks = (request: RecordedRequest) =>
  (request.body as Batch).batch.map((entry) => String(entry.body["mark"] ?? ""));

/** Batches of one write that Hull sees one after another, each bounded only by `timeoutMs` × tries. */
const BATCHES_THE_LEASE_ALLOWS = 2;

let hull: Awaited<ReturnType<typeof startFakeServer>> | undefined;
afterEach(() => hull?.close());

describe("how many requests in sequence one firehose write can take", () => {
  it("a write of 100 entries, one of which Hull refuses, stays within the lease's two batches", async () => {
    hull = await startFakeServer((request): FakeReply =>
      marks(request).includes("bad")
        ? { status: 400, body: { message: "bad record" } }
        : { body: {} },
    );
    const writer = createFirehoseWriter({ url: `${hull.url}/firehose`, retryDelayMs: 1 });
    const entries: FirehoseEntry[] = Array.from({ length: 100 }, (_, index) => ({
      type: "traits",
      claims: { external_id: `u${index}` },
      body: { mark: index === 37 ? "bad" : `e${index}` },
    }));
    await writer.write(credentials, entries).catch(() => undefined);
    // Each of these was awaited before the next was posted (deliver: `await` first half, then second).
    expect(hull.requests.length).toBeLessThanOrEqual(BATCHES_THE_LEASE_ALLOWS);
  });

  it("a webhook about a company's contact waits for at most one batch ahead of it", async () => {
    // Hull answers each request only when the test says so: batches stay in flight meanwhile.
    const waiting: (() => void)[] = [];
    hull = await startFakeServer(
      () => new Promise<FakeReply>((resolve) => waiting.push(() => resolve({ body: {} }))),
    );
    const writer = createFirehoseWriter({ url: `${hull.url}/firehose`, retryDelayMs: 1 });
    // A company fetch's page (fetch-companies.ts companyPageEntries): the account, then a link
    // per contact, each naming the company's account claims.
    const account = { external_id: "company-1" };
    const page: FirehoseEntry[] = [
      { type: "traits", claims: {}, account, body: { mark: "account" } },
      ...Array.from({ length: 500 }, (_, index): FirehoseEntry => ({
        type: "traits",
        claims: { anonymous_id: `intercom:c${index}` },
        account,
        body: { mark: `link${index}` },
      })),
    ];
    const fetching = writer.write(credentials, page);
    await waitUntil(() => waiting.length === 1, { what: "the page's first batch" });
    // Meanwhile a notification about the company's last contact.
    const webhook = writer.write(credentials, [
      { type: "traits", claims: { anonymous_id: "intercom:c499" }, body: { mark: "webhook" } },
    ]);
    let answeredBefore = 0;
    for (;;) {
      await waitUntil(() => waiting.length > 0, { what: "a batch in flight" });
      if (hull.requests.some((request) => marks(request).includes("webhook"))) break;
      waiting.shift()!();
      answeredBefore += 1;
    }
    for (const release of waiting.splice(0)) release();
    let done = false;
    void Promise.all([fetching, webhook]).then(() => (done = true));
    await waitUntil(
      () => {
        for (const release of waiting.splice(0)) release();
        return done;
      },
      { what: "every write to settle" },
    );
    expect(
      answeredBefore,
      "batches Hull had to answer before the webhook's entry was posted",
    ).toBeLessThanOrEqual(BATCHES_THE_LEASE_ALLOWS - 1);
  });
});
