import jwt from "jsonwebtoken";
import { afterEach, describe, expect, it } from "vitest";
import {
  createFirehoseWriter,
  EntriesRefused,
  subjectsOf,
  type FirehoseOptions,
} from "../../../../server/clients/hull/firehose";
import { firehoseToken } from "../../../../server/clients/hull/sign-entry";
import type { FirehoseEntry } from "../../../../server/clients/hull/types";
import { RetryableError, UpstreamRefusedError } from "../../../../server/errors";
import {
  startFakeServer,
  type FakeReply,
  type RecordedRequest,
} from "../../../helpers/fake-server";
import { waitUntil } from "../../../helpers/wait";

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
  reply: (request: RecordedRequest) => FakeReply | Promise<FakeReply>,
  options: Partial<FirehoseOptions> = {},
) {
  firehose = await startFakeServer(reply);
  // A minute's ceiling: a test sees a batch posted only because the group commit posted it.
  return createFirehoseWriter({
    url: `${firehose.url}/firehose`,
    retryDelayMs: 1,
    maxGatherMs: 60_000,
    ...options,
  });
}

/** Hull's answers held until the test releases them, so batches stay in flight meanwhile. */
function heldReplies() {
  const waiting: (() => void)[] = [];
  let released = false;
  return {
    reply(): Promise<FakeReply> {
      if (released) return Promise.resolve({ body: {} });
      return new Promise((resolve) => waiting.push(() => resolve({ body: {} })));
    },
    releaseAll() {
      released = true;
      for (const release of waiting.splice(0)) release();
    },
  };
}

const emailsOf = (request: RecordedRequest) =>
  (request.body as Batch).batch.map(
    (entry) =>
      (jwt.decode(entry.headers["Hull-Access-Token"]!) as Record<string, { email?: string }>)[
        "io.hull.asUser"
      ]!.email,
  );

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

  it("posts a lone entry at once and gathers what is written meanwhile into the next batch, in order", async () => {
    const hull = heldReplies();
    const writer = await writerAgainst(hull.reply, { maxPartialInFlight: 1 });
    const first = writer.write(credentials, [traits("a@x.io")]);
    // No timer sends it: the ceiling is a minute, so only the group commit can have posted it.
    await waitUntil(() => firehose!.requests.length === 1, { what: "the lone entry posted" });
    const gathered = ["b", "c", "d"].map((name) =>
      writer.write(credentials, [traits(`${name}@x.io`)]),
    );
    hull.releaseAll();
    await Promise.all([first, ...gathered]);
    expect(firehose!.requests.map(emailsOf)).toEqual([["a@x.io"], ["b@x.io", "c@x.io", "d@x.io"]]);
  });

  it("keeps up to maxPartialInFlight small batches in flight before entries gather", async () => {
    const hull = heldReplies();
    const writer = await writerAgainst(hull.reply, { maxPartialInFlight: 2 });
    const writes = [writer.write(credentials, [traits("a@x.io")])];
    writes.push(writer.write(credentials, [traits("b@x.io")]));
    await waitUntil(() => firehose!.requests.length === 2, { what: "two batches in flight" });
    writes.push(writer.write(credentials, [traits("c@x.io")]));
    writes.push(writer.write(credentials, [traits("d@x.io")]));
    hull.releaseAll();
    await Promise.all(writes);
    expect(firehose!.requests.map(emailsOf)).toEqual([
      ["a@x.io"],
      ["b@x.io"],
      ["c@x.io", "d@x.io"],
    ]);
  });

  it("sends a full batch at once even while the small-batch slots are taken, and the rest behind them", async () => {
    const hull = heldReplies();
    const writer = await writerAgainst(hull.reply, { flushAt: 2, maxPartialInFlight: 1 });
    const first = writer.write(credentials, [traits("a@x.io")]);
    await waitUntil(() => firehose!.requests.length === 1, { what: "the first batch" });
    const more = writer.write(
      credentials,
      ["b", "c", "d"].map((name) => traits(`${name}@x.io`)),
    );
    await waitUntil(() => firehose!.requests.length === 2, { what: "the full batch" });
    expect(emailsOf(firehose!.requests[1]!)).toEqual(["b@x.io", "c@x.io"]);
    hull.releaseAll();
    await Promise.all([first, more]);
    expect(firehose!.requests.map(emailsOf)).toEqual([
      ["a@x.io"],
      ["b@x.io", "c@x.io"],
      ["d@x.io"],
    ]);
  });

  it("sends the rest of a large write beside its full batches: full batches take no small-batch slot", async () => {
    const hull = heldReplies();
    const writer = await writerAgainst(hull.reply, { flushAt: 2, maxPartialInFlight: 1 });
    const page = writer.write(
      credentials,
      ["a", "b", "c"].map((name) => traits(`${name}@x.io`)),
    );
    await waitUntil(() => firehose!.requests.length === 2, { what: "both batches in flight" });
    hull.releaseAll();
    await page;
    expect(firehose!.requests.map(emailsOf)).toEqual([["a@x.io", "b@x.io"], ["c@x.io"]]);
  });

  it("sends a write made with `now` at once, even while a small batch is in flight", async () => {
    const hull = heldReplies();
    const writer = await writerAgainst(hull.reply, { maxPartialInFlight: 1 });
    const first = writer.write(credentials, [traits("a@x.io")]);
    await waitUntil(() => firehose!.requests.length === 1, { what: "the first batch" });
    const page = writer.write(credentials, [traits("b@x.io"), traits("c@x.io")], { now: true });
    await waitUntil(() => firehose!.requests.length === 2, { what: "the `now` batch" });
    hull.releaseAll();
    await Promise.all([first, page]);
    expect(firehose!.requests.map(emailsOf)).toEqual([["a@x.io"], ["b@x.io", "c@x.io"]]);
  });

  it("keeps no token of a write whose people come once (a fetch), and keeps the others'", async () => {
    const writer = await writerAgainst(() => ({ body: {} }));
    await writer.write(credentials, [traits("fetched@x.io")], { distinctPeople: true });
    await writer.write(credentials, [traits("webhook@x.io")]);
    const [fetched, webhook] = firehose!.requests.map(
      (request) => (request.body as Batch).batch[0]!.headers["Hull-Access-Token"]!,
    );
    // Signing the same (usable) claims 30 s later: a kept token (under a minute old) comes back,
    // one not kept is signed anew.
    const later = Date.now() + 30_000;
    const again = (email: string) => firehoseToken(credentials, { email }, true, later);
    expect(again("webhook@x.io")).toBe(webhook);
    expect(again("fetched@x.io")).not.toBe(fetched);
    expect((jwt.decode(again("fetched@x.io")) as { iat: number }).iat).toBe(
      Math.floor(later / 1000),
    );
  });

  it("when Hull fails a batch, rejects only its writers and still writes what gathered behind it", async () => {
    const hull = heldReplies();
    let calls = 0;
    const writer = await writerAgainst(
      () => (++calls === 1 ? hull.reply().then(() => ({ status: 503 })) : { body: {} }),
      { maxPartialInFlight: 1, retries: 0 },
    );
    const failing = writer.write(credentials, [traits("a@x.io")]).catch((error: unknown) => error);
    await waitUntil(() => firehose!.requests.length === 1, { what: "the first batch" });
    const behind = ["b", "c"].map((name) => writer.write(credentials, [traits(`${name}@x.io`)]));
    hull.releaseAll();
    expect(await failing).toBeInstanceOf(RetryableError);
    await Promise.all(behind);
    expect(firehose!.requests.map(emailsOf)).toEqual([["a@x.io"], ["b@x.io", "c@x.io"]]);
  });

  it("sends gathered entries after maxGatherMs when the batch in flight hangs", async () => {
    const hull = heldReplies();
    const writer = await writerAgainst(
      (request) => (emailsOf(request)[0] === "a@x.io" ? hull.reply() : { body: {} }),
      { maxPartialInFlight: 1, maxGatherMs: 1 },
    );
    const hanging = writer.write(credentials, [traits("a@x.io")]);
    await waitUntil(() => firehose!.requests.length === 1, { what: "the first batch" });
    await writer.write(credentials, [traits("b@x.io")]);
    expect(firehose!.requests.map(emailsOf)).toEqual([["a@x.io"], ["b@x.io"]]);
    hull.releaseAll();
    await hanging;
  });

  it("flush sends what gathered without waiting for the batch in flight", async () => {
    const hull = heldReplies();
    const writer = await writerAgainst(hull.reply, { maxPartialInFlight: 1 });
    const writes = [writer.write(credentials, [traits("a@x.io")])];
    await waitUntil(() => firehose!.requests.length === 1, { what: "the first batch" });
    writes.push(writer.write(credentials, [traits("b@x.io")]));
    const flushed = writer.flush();
    await waitUntil(() => firehose!.requests.length === 2, { what: "the gathered batch flushed" });
    hull.releaseAll();
    await Promise.all([flushed, ...writes]);
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

describe("the order of one person's writes (a batch answered late or retried)", () => {
  // Hull resolves claims to a profile and applies entries as they come: a batch that fails and is
  // retried, or is answered late, must not land after a newer write of the same person.
  const person = (claims: Record<string, string>, plan: string): FirehoseEntry => ({
    type: "traits",
    claims,
    body: { "intercom/plan": plan },
  });
  const plansOf = (request: RecordedRequest) =>
    (request.body as Batch).batch.map(
      (entry) => (entry.body as Record<string, string>)["intercom/plan"],
    );

  /**
   * Hull's stand-in for these tests: the first attempt of the batch holding `plan` `first` waits
   * until a request with `overtaker` arrives (or 2 s pass, when the writer rightly holds it back)
   * and then answers 503; everything else is taken. `accepted`: the plans Hull took, in order.
   */
  function failingFirst(first: string, overtaker: string) {
    const accepted: string[] = [];
    let failed = false;
    const reply = async (request: RecordedRequest): Promise<FakeReply> => {
      const plans = plansOf(request);
      if (plans.includes(first) && !failed) {
        failed = true;
        await waitUntil(
          () => firehose!.requests.some((seen) => plansOf(seen).includes(overtaker)),
          { timeoutMs: 2_000, what: "the later write, if the writer sends it" },
        ).catch(() => undefined);
        return { status: 503 };
      }
      accepted.push(...plans);
      return { body: {} };
    };
    return { accepted, reply };
  }

  it("a later write of the same person waits for the batch in flight, even one Hull retries", async () => {
    const hull = failingFirst("old", "new");
    // flushAt 1: every entry is a full batch, which the group commit would send at once.
    const writer = await writerAgainst(hull.reply, { flushAt: 1 });
    await Promise.all([
      writer.write(credentials, [person({ external_id: "u1" }, "old")]),
      writer.write(credentials, [person({ external_id: "u1" }, "new")]),
    ]);
    expect(hull.accepted).toEqual(["old", "new"]);
  });

  it("a later write sharing a claim with a waiting one waits behind it", async () => {
    const hull = failingFirst("1", "3");
    const writer = await writerAgainst(hull.reply, { flushAt: 1 });
    await Promise.all([
      writer.write(credentials, [person({ external_id: "u1" }, "1")]),
      // Waits for the first (same external_id)…
      writer.write(credentials, [person({ external_id: "u1", email: "ada@x.io" }, "2")]),
      // …and this one, about the same email, waits behind the second.
      writer.write(credentials, [person({ email: "ada@x.io" }, "3")]),
    ]);
    expect(hull.accepted).toEqual(["1", "2", "3"]);
  });

  it("writes of other people still go while one person's batch is in flight", async () => {
    const hull = heldReplies();
    const writer = await writerAgainst(hull.reply, { flushAt: 1 });
    const writes = [
      writer.write(credentials, [person({ external_id: "u1" }, "a")]),
      writer.write(credentials, [person({ external_id: "u1" }, "b")]),
      writer.write(credentials, [person({ external_id: "u2" }, "c")]),
    ];
    // Only the first and the other person's are in flight; u1's second waits for its first.
    await waitUntil(() => firehose!.requests.length === 2, { what: "two batches in flight" });
    expect(firehose!.requests.map(plansOf)).toEqual([["a"], ["c"]]);
    hull.releaseAll();
    await Promise.all(writes);
    expect(firehose!.requests.map(plansOf)).toEqual([["a"], ["c"], ["b"]]);
  });

  it("writes the halves of a batch Hull refused one after the other, so a person's later entry stays later", async () => {
    const writer = await writerAgainst(
      (request) =>
        plansOf(request).includes("bad")
          ? { status: 400, body: { message: "bad record" } }
          : { body: {} },
      { flushAt: 10 },
    );
    const accepted = () =>
      firehose!.requests.filter((request) => !plansOf(request).includes("bad"));
    await writer
      .write(credentials, [
        person({ external_id: "u1" }, "old"),
        person({ external_id: "u2" }, "bad"),
        person({ external_id: "u1" }, "new"),
      ])
      .catch(() => undefined);
    expect(accepted().flatMap(plansOf)).toEqual(["old", "new"]);
  });

  it("keeps one person's entries of a single write together in one batch, in order", async () => {
    const writer = await writerAgainst(() => ({ body: {} }), { flushAt: 10 });
    await writer.write(credentials, [
      person({ external_id: "u1" }, "a"),
      person({ external_id: "u1" }, "b"),
    ]);
    expect(firehose!.requests.map(plansOf)).toEqual([["a", "b"]]);
  });
});

describe("subjectsOf(entry)", () => {
  it("names every non-empty user claim, the anonymous id an alias adds, and the claims of an account it writes", () => {
    expect(
      subjectsOf({
        type: "traits",
        claims: { email: "ada@x.io", external_id: "", anonymous_id: "intercom:1" },
        account: { domain: "x.io" },
        body: { "intercom/name": "X" },
      }),
    ).toEqual(["user:email=ada@x.io", "user:anonymous_id=intercom:1", "account:domain=x.io"]);
    expect(
      subjectsOf({ type: "alias", claims: { email: "ada@x.io" }, body: { anonymous_id: "v1" } }),
    ).toEqual(["user:email=ada@x.io", "user:anonymous_id=v1"]);
  });
});
