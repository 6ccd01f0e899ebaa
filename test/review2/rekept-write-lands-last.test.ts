// Review 2 finding (receive-notification.ts `writeOrKeep`, ADR 026 §2; the fix 8013c17 says "a
// connector's appends go in the order begun"): a notification written to Hull while an older one
// of its connector was kept is kept again, "so the replay writes it again after the older one".
// But its copy is appended when its write *ends*, behind every notification that was kept while
// it was in flight, newer ones included. So: an older notification (A) about a contact is being
// written (Hull slow); another contact's notification fails and is kept; a newer notification (B)
// about A's contact arrives and is kept (the connector is held); A's write then succeeds and A is
// kept again, after B. The replay writes B, then A: Hull ends with A's older values, and B's newer
// ones are lost until the contact changes again.
import { describe, expect, it } from "vitest";
import { createActivityLog } from "../../server/activity";
import type { FirehoseWriter } from "../../server/clients/hull/firehose";
import type { FirehoseEntry } from "../../server/clients/hull/types";
import { replayOutbox } from "../../server/durable/replay-outbox";
import { createLateWrites } from "../../server/durable/write-to-hull";
import { RetryableError } from "../../server/errors";
import { createMemoryDeduplicator } from "../../server/incoming/webhook/deduplicator";
import { createNotificationReceiver } from "../../server/incoming/webhook/receive-notification";
import { createLogger } from "../../server/log";
import { APP_ID, envelope, modernUser } from "../fixtures/intercom/webhooks";
import { CREDENTIALS, fakeDeadLetters, fakeHull, fakeOutbox, fakeRegistry } from "../helpers/fakes";
import { waitUntil } from "../helpers/wait";

/** The names a write carries, in order. */
const namesIn = (entries: FirehoseEntry[]) =>
  entries
    .map((entry) => (entry.body as Record<string, unknown>)["intercom/name"])
    .filter((name): name is string => typeof name === "string");
const nameIn = (entries: FirehoseEntry[]) =>
  entries
    .map((entry) => (entry.body as Record<string, unknown>)["intercom/name"])
    .find((name) => typeof name === "string") as string | undefined;

describe("a notification written to Hull while others of its connector were kept", () => {
  it("is not replayed after a newer notification about the same contact", async () => {
    // Hull as the connector sees it: "Ada (older)"'s write waits for `releaseOlder`; another
    // contact's write fails (Hull answered 503 until the writer gave up); the rest are taken.
    const taken: string[] = [];
    let releaseOlder!: () => void;
    let olderInFlight = false;
    const firehose: FirehoseWriter = {
      async write(_credentials, entries) {
        const name = nameIn(entries);
        if (name === "Ada (older)" && !olderInFlight) {
          olderInFlight = true;
          await new Promise<void>((resolve) => (releaseOlder = resolve));
        }
        if (name === "Bob" && taken.length === 0)
          throw new RetryableError("Hull's firehose answered 503 (after 4 attempts)");
        // Every name the write carries, in order: Hull applies a batch's entries in order.
        taken.push(...namesIn(entries));
      },
      flush: async () => undefined,
    };
    const outbox = fakeOutbox();
    const connected = {
      access_token: "token",
      intercom_workspace: { app_id: APP_ID, region: "US" },
    };
    const deps = {
      registry: fakeRegistry({ [APP_ID]: [CREDENTIALS] }),
      hullAuth: fakeHull(connected).auth,
      hullClient: () => fakeHull(connected).client,
      firehose,
      deduplicator: createMemoryDeduplicator(),
      outbox: outbox.outbox,
      deadLetters: fakeDeadLetters().store,
      activity: createActivityLog(),
      logger: createLogger("silent"),
      // Nothing here goes late: every write is answered (or fails) well within the budget.
      hullBudgetMs: 60_000,
      lateWrites: createLateWrites(),
    };
    const receiver = createNotificationReceiver(deps);
    const ada = (name: string, id: string) =>
      envelope("contact.user.created", modernUser({ name }), `notif_review2_${id}`);
    const bob = envelope(
      "contact.user.created",
      modernUser({
        id: "6762f0dd1bb69f9f2193bb99",
        external_id: "customer-99",
        email: "bob@example.com",
        name: "Bob",
      }),
      "notif_review2_bob",
    );

    const older = receiver.receive(ada("Ada (older)", "1"));
    await waitUntil(() => olderInFlight, { what: "the older write to be in flight" });
    // Another contact's write fails: kept in the outbox.
    expect((await receiver.receive(bob)).outcome).toBe("queued");
    // The newer notification about Ada joins the outbox (the connector is held).
    expect((await receiver.receive(ada("Ada (newer)", "2"))).outcome).toBe("queued");
    // Hull takes the older write; it is kept again, "so the replay writes it after the older one".
    releaseOlder();
    expect((await older).outcome).toBe("written");

    await replayOutbox(deps, createLogger("silent"));
    const aboutAda = taken.filter((name) => name.startsWith("Ada"));
    // The last write about Ada is what Hull keeps.
    expect(aboutAda.at(-1), `Hull received ${JSON.stringify(taken)}`).toBe("Ada (newer)");
  });
});
