// Webhooks (DESIGN.md §8): a sustained burst of signed notifications from a separate process;
// each must reach Hull exactly once.
import { join } from "node:path";
import { startChild } from "../child-process";
import type { BurstRequest, BurstResult } from "../processes/webhook-sender";
import { atLeast, atMost, figure, tidy, type Measurement, type Mode } from "../results";
import { control, startSeparateStack } from "../separate-stack";

const sizes = {
  quick: { count: 300, redeliveries: 10, contacts: 10, concurrency: 16 },
  full: { count: 20_000, redeliveries: 200, contacts: 200, concurrency: 32 },
};

interface HullUser {
  events: { event: string; event_id: string }[];
}

export async function benchWebhooks(mode: Mode): Promise<Measurement[]> {
  const size = sizes[mode];
  const stack = await startSeparateStack();
  const sender = await startChild<object>(
    join(import.meta.dirname, "../processes/webhook-sender.ts"),
  );
  try {
    const burst: BurstRequest = {
      url: `${stack.urls.connector}/intercom`,
      secret: stack.intercom.clientSecret,
      appId: stack.intercom.appId,
      ...size,
    };
    const result = await sender.ask<BurstResult>({ type: "burst", ...burst });
    const users = (await control(`${stack.urls.hull}/_sandbox/users`, {}, "GET")) as HullUser[];
    const eventIds = users.flatMap((user) =>
      user.events
        .filter((event) => event.event === "User started conversation")
        .map((event) => event.event_id),
    );
    const accepted = result.statuses["200"] ?? 0;
    return [
      figure("notifications sent (with redeliveries)", result.sent, "requests"),
      atLeast("answered 200", tidy(accepted / result.sent), "share", 1),
      atLeast(
        "verified notifications per second",
        tidy(result.sent / result.seconds),
        "notifications/s",
        2_000,
      ),
      figure("acknowledgement time p50", tidy(result.p50_ms), "ms"),
      atMost("acknowledgement time p99", tidy(result.p99_ms), "ms", 100, true),
      // Exactly once: one Hull event per distinct notification, none missing, none doubled.
      atMost(
        "distinct notifications missing in Hull",
        size.count - new Set(eventIds).size,
        "notifications",
        0,
      ),
      atMost(
        "events in Hull beyond one per notification",
        eventIds.length - size.count,
        "events",
        0,
      ),
    ];
  } finally {
    await sender.stop();
    await stack.close();
  }
}
