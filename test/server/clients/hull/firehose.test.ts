import jwt from "jsonwebtoken";
import { afterEach, describe, expect, it } from "vitest";
import { createFirehoseWriter, EntriesRefused } from "../../../../server/clients/hull/firehose";
import type { FirehoseEntry } from "../../../../server/clients/hull/types";
import { RetryableError, UpstreamRefusedError } from "../../../../server/errors";
import {
  startFakeServer,
  type FakeReply,
  type RecordedRequest,
} from "../../../helpers/fake-server";

const credentials = {
  id: "5f0c1a2b3c4d5e6f7a8b9c0d",
  organization: "acme.hullapp.io",
  secret: "connector-secret",
};
const traits = (email: string): FirehoseEntry => ({
  type: "traits",
  claims: { email, anonymous_id: "" },
  body: { "intercom/email": email },
});
type Batch = { batch: { type: string; body: unknown; headers: Record<string, string> }[] };

let firehose: Awaited<ReturnType<typeof startFakeServer>> | undefined;
afterEach(() => firehose?.close());

async function writerAgainst(
  reply: (request: RecordedRequest) => FakeReply,
  options: { flushAt?: number; flushAfterMs?: number } = {},
) {
  firehose = await startFakeServer(reply);
  return createFirehoseWriter({ url: `${firehose.url}/firehose`, retryDelayMs: 1, ...options });
}

describe("createFirehoseWriter(options)", () => {
  it("signs each entry with the connector secret and the user's claims", async () => {
    const writer = await writerAgainst(() => ({ body: { ok: true } }));
    await writer.write(credentials, [traits("ada@example.com")]);
    const [entry] = (firehose!.requests[0]!.body as Batch).batch;
    const claims = jwt.verify(entry!.headers["Hull-Access-Token"]!, credentials.secret) as Record<
      string,
      unknown
    >;
    expect(claims).toMatchObject({
      iss: credentials.id,
      "io.hull.asUser": { email: "ada@example.com" },
      "io.hull.subjectType": "user",
    });
    expect(entry).toMatchObject({ type: "traits", body: { "intercom/email": "ada@example.com" } });
  });

  it("gathers concurrent writes into shared batches of at most flushAt entries", async () => {
    const writer = await writerAgainst(() => ({ body: {} }), { flushAt: 3 });
    await Promise.all(
      ["a", "b", "c", "d"].map((name) => writer.write(credentials, [traits(`${name}@x.io`)])),
    );
    const sizes = firehose!.requests.map((request) => (request.body as Batch).batch.length);
    expect(sizes).toEqual([3, 1]);
  });

  it("sends what is queued at once for a write made with `now` (a fetch's page), not after flushAfterMs", async () => {
    // An hour's wait for company: only `now` can send these entries within the test.
    const writer = await writerAgainst(() => ({ body: {} }), {
      flushAt: 100,
      flushAfterMs: 3_600_000,
    });
    const waiting = writer.write(credentials, [traits("a@x.io")]);
    await writer.write(credentials, [traits("b@x.io"), traits("c@x.io")], { now: true });
    await waiting;
    const sizes = firehose!.requests.map((request) => (request.body as Batch).batch.length);
    expect(sizes).toEqual([3]);
  });

  it("resolves a write only after Hull accepted it, retrying a 5xx", async () => {
    let calls = 0;
    const writer = await writerAgainst(() =>
      ++calls === 1 ? { status: 503, body: { message: "busy" } } : { body: {} },
    );
    await writer.write(credentials, [traits("a@x.io")]);
    expect(calls).toBe(2);
  });

  it("rejects with a RetryableError when Hull keeps failing", async () => {
    const writer = await writerAgainst(() => ({ status: 500, body: {} }));
    await expect(writer.write(credentials, [traits("a@x.io")])).rejects.toBeInstanceOf(
      RetryableError,
    );
    expect(firehose!.requests).toHaveLength(4);
  });

  it("rejects at once when Hull refuses the batch", async () => {
    const writer = await writerAgainst(() => ({ status: 400, body: { message: "invalid token" } }));
    // Hull refusing our write is not our caller's mistake: an UpstreamRefusedError (502), not a 4xx.
    await expect(writer.write(credentials, [traits("a@x.io")])).rejects.toBeInstanceOf(
      UpstreamRefusedError,
    );
    expect(firehose!.requests).toHaveLength(1);
  });

  it("splits a batch Hull refuses until only the bad entry is refused; every other writer's entries are written", async () => {
    const asUser = (entry: Batch["batch"][number]) =>
      (jwt.decode(entry.headers["Hull-Access-Token"]!) as Record<string, { email?: string }>)[
        "io.hull.asUser"
      ]!;
    const accepted: string[] = [];
    const writer = await writerAgainst(
      (request) => {
        const batch = (request.body as Batch).batch;
        const poison = batch.findIndex((entry) => asUser(entry).email === "poison@x.io");
        if (poison >= 0) return { status: 400, body: { message: `entry ${poison}: bad record` } };
        accepted.push(...batch.map((entry) => asUser(entry).email!));
        return { body: {} };
      },
      { flushAt: 8 },
    );
    const writes = ["a", "b", "c", "poison", "d", "e", "f", "g"].map((name) =>
      writer.write(credentials, [traits(`${name}@x.io`)]),
    );
    const outcomes = await Promise.allSettled(writes);
    const refused = outcomes[3] as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(EntriesRefused);
    expect((refused.reason as EntriesRefused).refused).toEqual([
      {
        entry: { ...traits("poison@x.io"), claims: { email: "poison@x.io" } },
        reason: expect.stringMatching(/400.*bad record/),
      },
    ]);
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(7);
    expect(accepted.sort()).toEqual(["a", "b", "c", "d", "e", "f", "g"].map((n) => `${n}@x.io`));
  });

  it("drops blank claims and refuses an entry with no usable claim without sending it", async () => {
    const writer = await writerAgainst(() => ({ body: {} }));
    const blank: FirehoseEntry = { type: "traits", claims: { external_id: "  " }, body: {} };
    const error = await writer
      .write(credentials, [
        { type: "traits", claims: { anonymous_id: "intercom:1", external_id: " " }, body: {} },
        blank,
      ])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EntriesRefused);
    expect((error as EntriesRefused).refused.map((refused) => refused.entry)).toEqual([blank]);
    const sent = (firehose!.requests[0]!.body as Batch).batch;
    expect(sent).toHaveLength(1);
    expect(jwt.decode(sent[0]!.headers["Hull-Access-Token"]!)).toMatchObject({
      "io.hull.asUser": { anonymous_id: "intercom:1" },
    });
    expect(
      (jwt.decode(sent[0]!.headers["Hull-Access-Token"]!) as Record<string, object>)[
        "io.hull.asUser"
      ],
    ).not.toHaveProperty("external_id");
  });

  it("adds Hull's null url/ip/referer to track bodies", async () => {
    const writer = await writerAgainst(() => ({ body: {} }));
    await writer.write(credentials, [
      {
        type: "track",
        claims: { email: "a@x.io" },
        body: {
          event: "E",
          properties: {},
          event_id: "e1",
          created_at: "2026-01-01T00:00:00Z",
          source: "intercom",
        },
      },
    ]);
    expect((firehose!.requests[0]!.body as Batch).batch[0]!.body).toMatchObject({
      ip: null,
      url: null,
      referer: null,
      event: "E",
      event_id: "e1",
    });
  });
});
