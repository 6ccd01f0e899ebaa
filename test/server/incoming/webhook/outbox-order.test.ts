// Kind: "a replay of the outbox lands older data over newer". While Hull is down, notifications
// wait in the outbox; once it is back, a newer notification about the same contact must not reach
// Hull before them, or the replay writes the older values last (a reviewer's finding: email and
// name went back, an unarchived contact was archived again). The firehose here is a recording fake
// whose answers the test holds or fails.
import { describe, expect, it } from "vitest";
import { createActivityLog } from "../../../../server/activity";
import type { FirehoseWriter } from "../../../../server/clients/hull/firehose";
import type { FirehoseEntry } from "../../../../server/clients/hull/types";
import { replayOutbox } from "../../../../server/durable/replay-outbox";
import { createLateWrites } from "../../../../server/durable/write-to-hull";
import { RetryableError } from "../../../../server/errors";
import { createMemoryDeduplicator } from "../../../../server/incoming/webhook/deduplicator";
import { createNotificationReceiver } from "../../../../server/incoming/webhook/receive-notification";
import { createLogger } from "../../../../server/log";
import { APP_ID, envelope, modernUser } from "../../../fixtures/intercom/webhooks";
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

/** The contact's name as one write to Hull set it. */
const nameIn = (entries: FirehoseEntry[]) =>
  entries.map((entry) => (entry.body as Record<string, unknown>)["intercom/name"]).find(Boolean);

const update = (name: string, id: string) =>
  envelope("contact.user.created", modernUser({ name }), `notif_${id}`);

/**
 * A firehose that records what Hull took, in order. `mode` decides each write's answer: "up"
 * takes it, "down" fails it as an outage does, "hold" leaves it unanswered until the test
 * answers it by the contact's name (`answer(name, ok)`).
 */
function recordingFirehose() {
  const held = new Map<string, (ok: boolean) => void>();
  const state = {
    mode: "up" as "up" | "down" | "hold",
    taken: [] as string[],
    held,
    answer: (name: string, ok: boolean) => held.get(name)?.(ok),
  };
  const firehose: FirehoseWriter = {
    async write(_credentials, entries) {
      const name = String(nameIn(entries));
      if (state.mode === "down") throw new RetryableError("Hull's firehose answered 503");
      if (state.mode === "hold") {
        const ok = await new Promise<boolean>((resolve) => held.set(name, resolve));
        if (!ok) throw new RetryableError("Hull's firehose answered 503");
      }
      state.taken.push(name);
    },
    flush: async () => undefined,
  };
  return { state, firehose };
}

function receiverWith(firehose: FirehoseWriter, outbox: ReturnType<typeof fakeOutbox>) {
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
    hullBudgetMs: 60_000,
  };
  return { deps, receiver: createNotificationReceiver(deps) };
}

describe("notifications and the outbox's order", () => {
  it("keeps a newer notification behind older ones waiting in the outbox, so Hull ends with the newer values", async () => {
    const { state, firehose } = recordingFirehose();
    const outbox = fakeOutbox();
    const { deps, receiver } = receiverWith(firehose, outbox);

    state.mode = "down";
    expect((await receiver.receive(update("Old Name", "1"))).outcome).toBe("queued");
    // Hull is back before the replay ran: the newer notification waits behind the older one.
    state.mode = "up";
    expect((await receiver.receive(update("New Name", "2"))).outcome).toBe("queued");
    expect(state.taken).toEqual([]);

    await replayOutbox(deps, createLogger("silent"));
    expect(state.taken).toEqual(["Old Name", "New Name"]);
    expect(outbox.kept).toEqual([]);
    // Nothing waits now: the next notification goes straight to Hull again.
    expect((await receiver.receive(update("Newest Name", "3"))).outcome).toBe("written");
    expect(state.taken.at(-1)).toBe("Newest Name");
  });

  it("keeps a copy of a notification written while an older one went to the outbox, for the replay to write after it", async () => {
    const { state, firehose } = recordingFirehose();
    const outbox = fakeOutbox();
    const { deps, receiver } = receiverWith(firehose, outbox);

    // Both are being written when Hull fails the older one's batch and takes the newer one's.
    state.mode = "hold";
    const older = receiver.receive(update("Old Name", "1"));
    const newer = receiver.receive(update("New Name", "2"));
    await waitUntil(() => state.held.size === 2, { what: "both writes to reach Hull" });
    state.answer("Old Name", false);
    expect((await older).outcome).toBe("queued");
    state.answer("New Name", true);
    expect((await newer).outcome).toBe("written");
    expect(state.taken).toEqual(["New Name"]);

    // The replay writes the older one, then the newer one again: Hull ends with the newer values.
    state.mode = "up";
    await replayOutbox(deps, createLogger("silent"));
    expect(state.taken).toEqual(["New Name", "Old Name", "New Name"]);
    expect(outbox.kept).toEqual([]);
  });

  // Found in review (2026-12-01): the write that outlasted the budget goes on in the background
  // and held the oldest data; landing after the replay, it was the last word.
  it("replays nothing of a connector while its write that outlasted the budget is in flight", async () => {
    const taken: string[] = [];
    let releaseFirst: (() => void) | undefined;
    let calls = 0;
    // Hull is slow for the first request only (it answers after the budget), fast afterwards.
    const firehose: FirehoseWriter = {
      async write(_credentials, entries) {
        const name = String(nameIn(entries));
        if (calls++ === 0) await new Promise<void>((resolve) => (releaseFirst = resolve));
        taken.push(name);
      },
      flush: async () => undefined,
    };
    const outbox = fakeOutbox();
    const { deps, receiver } = receiverWith(firehose, outbox);
    const slow = { ...deps, hullBudgetMs: 20, lateWrites: createLateWrites() };
    const slowReceiver = createNotificationReceiver(slow);
    void receiver;

    expect((await slowReceiver.receive(update("Old Name", "1"))).outcome).toBe("queued");
    expect((await slowReceiver.receive(update("New Name", "2"))).outcome).toBe("queued");
    // The late write is still in flight: the replay keeps everything of the connector.
    await replayOutbox(slow, createLogger("silent"));
    expect(taken).toEqual([]);
    expect(outbox.kept).toHaveLength(2);
    releaseFirst!();
    await waitUntil(() => taken.length === 1, { what: "the late write to land" });
    await replayOutbox(slow, createLogger("silent"));
    expect(taken).toEqual(["Old Name", "Old Name", "New Name"]);
    expect(outbox.kept).toEqual([]);
  });
});
