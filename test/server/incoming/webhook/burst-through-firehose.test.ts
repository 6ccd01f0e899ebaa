// A burst of notifications through the real firehose writer's group commit (ADR 022): what Hull
// takes in a shared batch, what a failed batch leaves to the outbox, and redeliveries arriving in
// the same burst. Hull is a scripted loopback server; the other ports are the recording fakes.
import jwt from "jsonwebtoken";
import { afterEach, describe, expect, it } from "vitest";
import { createActivityLog } from "../../../../server/activity";
import {
  createFirehoseWriter,
  type FirehoseWriter,
} from "../../../../server/clients/hull/firehose";
import { replayOutbox } from "../../../../server/durable/replay-outbox";
import { createMemoryDeduplicator } from "../../../../server/incoming/webhook/deduplicator";
import { createNotificationReceiver } from "../../../../server/incoming/webhook/receive-notification";
import { createLogger } from "../../../../server/log";
import { APP_ID, envelope, modernUser } from "../../../fixtures/intercom/webhooks";
import { startFakeServer, type RecordedRequest } from "../../../helpers/fake-server";
import {
  CREDENTIALS,
  fakeDeadLetters,
  fakeHull,
  fakeOutbox,
  fakeRegistry,
} from "../../../helpers/fakes";
import { waitUntil } from "../../../helpers/wait";

const CONNECTED = {
  access_token: "token",
  intercom_workspace: { app_id: APP_ID, region: "US" },
};

type Batch = { batch: { headers: Record<string, string> }[] };
const emailsOf = (request: RecordedRequest) =>
  (request.body as Batch).batch.map(
    (entry) =>
      (jwt.decode(entry.headers["Hull-Access-Token"]!) as Record<string, { email?: string }>)[
        "io.hull.asUser"
      ]!.email!,
  );

const people = Array.from({ length: 20 }, (_, index) => `p${index}@x.io`);
const notification = (index: number) =>
  envelope(
    "contact.user.created",
    modernUser({
      id: `6762f0dd1bb69f9f2193b${String(index).padStart(3, "0")}`,
      email: people[index],
      external_id: `customer-${index}`,
    }),
    `notif_${index}`,
  );

let hull: Awaited<ReturnType<typeof startFakeServer>> | undefined;
afterEach(() => hull?.close());

describe("a burst of notifications through the firehose writer", () => {
  it("shares batches, keeps what a failed batch held in the outbox, writes redeliveries once, and the replay delivers the rest", async () => {
    // Hull holds its first batch until every notification was written to the writer, so the
    // others gather behind it (full batches of 5); the batch with p7 fails (503) while Hull is up.
    let written = 0;
    let hullDown = true;
    let releaseFirst: (() => void) | undefined;
    const accepted: string[] = [];
    hull = await startFakeServer(async (request) => {
      const emails = emailsOf(request);
      if (hull!.requests.length === 1)
        await new Promise<void>((resolve) => (releaseFirst = resolve));
      if (hullDown && emails.includes("p7@x.io")) return { status: 503, body: {} };
      accepted.push(...emails);
      return { body: {} };
    });
    const real = createFirehoseWriter({
      url: `${hull.url}/firehose`,
      flushAt: 5,
      retries: 0,
      retryDelayMs: 1,
      maxGatherMs: 60_000,
    });
    const firehose: FirehoseWriter = {
      write(credentials, entries) {
        written += 1;
        return real.write(credentials, entries);
      },
      flush: () => real.flush(),
    };
    const outbox = fakeOutbox();
    const deps = {
      registry: fakeRegistry({ [APP_ID]: [CREDENTIALS] }),
      hullAuth: fakeHull(CONNECTED).auth,
      hullClient: () => fakeHull(CONNECTED).client,
      firehose,
      deduplicator: createMemoryDeduplicator(),
      outbox: outbox.outbox,
      deadLetters: fakeDeadLetters().store,
      activity: createActivityLog(),
      logger: createLogger("silent"),
    };
    const receiver = createNotificationReceiver(deps);

    // Every notification, and a redelivery of the first three arriving in the same burst.
    const burst = [...people.keys(), 0, 1, 2].map((index) => receiver.receive(notification(index)));
    await waitUntil(() => written === people.length && releaseFirst, {
      what: "every notification handed to the writer",
    });
    releaseFirst!();
    const outcomes = (await Promise.all(burst)).map((answer) => answer.outcome);

    expect(outcomes.slice(people.length)).toEqual(["duplicate", "duplicate", "duplicate"]);
    const kept = outbox.kept.flatMap((record) => record.entries.map((entry) => entry.claims.email));
    // The batch with p7 failed as a whole: its five notifications wait in the outbox, answered
    // "queued"; every other one is in Hull, answered "written"; none is in both or in neither.
    const queued = people.filter((_, index) => outcomes[index] === "queued");
    expect(queued).toHaveLength(5);
    expect(queued).toContain("p7@x.io");
    expect(queued.filter((email) => accepted.includes(email))).toEqual([]);
    expect([...accepted, ...queued].sort()).toEqual([...people].sort());
    // Notifications written while those were being kept are kept too (copies), so that no
    // replay of an older notification lands after them; the queued ones are all kept.
    expect(queued.every((email) => kept.includes(email))).toBe(true);
    expect(hull.requests.some((request) => emailsOf(request).length > 1)).toBe(true);

    // Hull is back: the replay delivers what was kept, and every notification is in Hull once.
    hullDown = false;
    await replayOutbox({ ...deps, outbox: outbox.outbox }, createLogger("silent"));
    expect(outbox.kept).toEqual([]);
    expect([...new Set(accepted)].sort()).toEqual([...people].sort());
    // Every queued one reached Hull after its first, failed, try, and after every written one.
    const replayed = accepted.slice(accepted.length - kept.length);
    expect(replayed.sort()).toEqual([...kept].sort());
  });
});
