// Review 2 finding (fix 8013c17, receive-notification.ts `keep`): to keep a connector's appends in
// the order begun, each append now starts only once the one before it has *finished*. Both outboxes
// already keep the order their appends are *issued* in (the journal runs appends in call order; the
// Redis outbox's MULTI goes down one connection in order), so only the wait for a late write's mark
// needs a chain. The cost: while a connector is held (after any Hull hiccup, until its backlog is
// replayed) every webhook of that connector waits for a full outbox round trip of every one before
// it in the process. With the Redis outbox, appends that used to go out together now take one
// round trip each; a burst of a big workspace (thousands of notifications a second) queues behind
// itself, and webhooks at the back wait past Intercom's 5 s, are retried, and add to the burst.
import { describe, expect, it } from "vitest";
import { createActivityLog } from "../../server/activity";
import type { Outbox } from "../../server/durable/outbox";
import { createLateWrites } from "../../server/durable/write-to-hull";
import { createMemoryDeduplicator } from "../../server/incoming/webhook/deduplicator";
import { createNotificationReceiver } from "../../server/incoming/webhook/receive-notification";
import { createLogger } from "../../server/log";
import { APP_ID, envelope, modernUser } from "../fixtures/intercom/webhooks";
import {
  CREDENTIALS,
  fakeDeadLetters,
  fakeFirehose,
  fakeHull,
  fakeRegistry,
} from "../helpers/fakes";
import { waitUntil } from "../helpers/wait";

describe("webhooks of a held connector", () => {
  it("do not wait for each other's outbox appends to finish", async () => {
    // The connector has records waiting; an append is answered when the test says (Redis's
    // round trip).
    let appendsBegun = 0;
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const outbox: Outbox = {
      async append() {
        appendsBegun += 1;
        await answered;
      },
      drain: async () => 0,
      size: async () => 1,
      holds: async () => true,
    };
    const activity = createActivityLog();
    let received = 0;
    const counting = new Proxy(activity, {
      get(target, key) {
        if (key === "count")
          return (id: string, what: string, n?: number) => {
            if (what === "webhooks received") received += 1;
            return target.count(id, what as never, n);
          };
        return Reflect.get(target, key, target) as unknown;
      },
    });
    const connected = {
      access_token: "token",
      intercom_workspace: { app_id: APP_ID, region: "US" },
    };
    const receiver = createNotificationReceiver({
      registry: fakeRegistry({ [APP_ID]: [CREDENTIALS] }),
      hullAuth: fakeHull(connected).auth,
      hullClient: () => fakeHull(connected).client,
      firehose: fakeFirehose().writer,
      deduplicator: createMemoryDeduplicator(),
      outbox,
      deadLetters: fakeDeadLetters().store,
      activity: counting,
      logger: createLogger("silent"),
      lateWrites: createLateWrites(),
    });
    const burst = Array.from({ length: 3 }, (_, n) =>
      receiver.receive(
        envelope("contact.user.created", modernUser({ name: `N${n}` }), `notif_review2_${n}`),
      ),
    );
    try {
      await waitUntil(() => received === 3, { what: "the three notifications to be mapped" });
      // From here to the outbox is a few promise turns; give it plenty.
      for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
      expect(appendsBegun, "appends under way while the first is unanswered").toBe(3);
    } finally {
      answer();
      await Promise.all(burst);
    }
  });
});
