// Review finding (2026-12-01): ADR 027 gave every entry naming an account that account's subject,
// so a company fetch's links (one per contact, each naming the company, with an empty body) went
// to Hull one batch after another, and a webhook about one of the company's contacts waited for
// all the batches ahead of it. A link writes no account attribute: only the user is its subject.
// (The finding's other half, a late write outlasting its Redis lease, is gone with the lease's
// renewal: test/server/redis/redis-late-writes.test.ts.) These tests count batches in flight;
// they measure no time.
import jwt from "jsonwebtoken";
import { afterEach, describe, expect, it } from "vitest";
import { createFirehoseWriter, subjectsOf } from "../../server/clients/hull/firehose";
import type { FirehoseEntry } from "../../server/clients/hull/types";
import { startFakeServer, type FakeReply, type RecordedRequest } from "../helpers/fake-server";
import { waitUntil } from "../helpers/wait";

const credentials = {
  id: "5f0c1a2b3c4d5e6f7a8b9c0d",
  organization: "acme.hullapp.io",
  secret: "connector-secret",
};
type Batch = { batch: { headers: Record<string, string> }[] };
const sizeOf = (request: RecordedRequest) => (request.body as Batch).batch.length;
/** The anonymous ids of the users a request's entries write. */
const usersOf = (request: RecordedRequest) =>
  (request.body as Batch).batch.map(
    (entry) =>
      (
        jwt.decode(entry.headers["Hull-Access-Token"]!) as Record<string, { anonymous_id?: string }>
      )["io.hull.asUser"]?.anonymous_id,
  );

let hull: Awaited<ReturnType<typeof startFakeServer>> | undefined;
afterEach(() => hull?.close());

describe("a company fetch's links and the firehose writer's order (ADR 027)", () => {
  it("a link (an empty body naming an account) has only its user as subject", () => {
    const account = { external_id: "company-1" };
    expect(
      subjectsOf({ type: "traits", claims: { anonymous_id: "intercom:c1" }, account, body: {} }),
    ).toEqual(["user:anonymous_id=intercom:c1"]);
    expect(
      subjectsOf({ type: "traits", claims: {}, account, body: { "intercom/name": "Acme" } }),
    ).toEqual(["account:external_id=company-1"]);
  });

  it("sends a company's links in parallel batches, and a webhook about one contact waits only for that contact's batch", async () => {
    // Hull answers each request only when the test says so: batches stay in flight meanwhile.
    const waiting: (() => void)[] = [];
    hull = await startFakeServer(
      () => new Promise<FakeReply>((resolve) => waiting.push(() => resolve({ body: {} }))),
    );
    const writer = createFirehoseWriter({ url: `${hull.url}/firehose`, retryDelayMs: 1 });
    const account = { external_id: "company-1" };
    // fetch-companies.ts companyPageEntries: the account, then a link per contact.
    const page: FirehoseEntry[] = [
      { type: "traits", claims: {}, account, body: { "intercom/name": "Acme" } },
      ...Array.from({ length: 499 }, (_, index): FirehoseEntry => ({
        type: "traits",
        claims: { anonymous_id: `intercom:c${index}` },
        account,
        body: {},
      })),
    ];
    const fetching = writer.write(credentials, page);
    // All five batches of 100 are in flight at once: none waits for another.
    await waitUntil(() => waiting.length === 5, { what: "the page's five batches in flight" });
    const webhook = writer.write(credentials, [
      { type: "traits", claims: { anonymous_id: "intercom:c498" }, body: { "intercom/name": "C" } },
    ]);
    // The webhook waits for the batch holding c498's link only. (Requests and their answers are
    // recorded in the same order, so an index names both.)
    const holding = hull.requests.findIndex((request) =>
      usersOf(request).includes("intercom:c498"),
    );
    waiting.splice(holding, 1)[0]!();
    await waitUntil(() => hull!.requests.length === 6, { what: "the webhook's batch" });
    expect(sizeOf(hull.requests[5]!)).toBe(1);
    for (const release of waiting.splice(0)) release();
    await waitUntil(
      () => {
        for (const release of waiting.splice(0)) release();
        return hull!.requests.length === 6 && waiting.length === 0;
      },
      { what: "every batch answered" },
    );
    await Promise.all([fetching, webhook]);
  });
});
