// A separate process that plays Intercom's webhook sender: signed notifications as fast as the
// connector acknowledges them, over keep-alive connections on loopback.
import { createHmac } from "node:crypto";
import { Agent, request } from "node:http";
import { processUsage, serveParent } from "../child-process";
import { percentile } from "../stats";

export interface BurstRequest {
  url: string;
  secret: string;
  appId: string;
  /** Distinct notifications to send. */
  count: number;
  /** How many of them are sent a second time (a redelivery must not be a second event). */
  redeliveries: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Distinct contacts the conversations belong to. */
  contacts: number;
}

export interface BurstResult {
  seconds: number;
  sent: number;
  statuses: Record<string, number>;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

/** A `conversation.user.created` notification in the 2.x shape (intercom-api.md §4). */
function notificationBody(appId: string, index: number, contacts: number): string {
  const contactId = (index % contacts).toString(16).padStart(24, "b");
  const now = Math.floor(Date.now() / 1000);
  return JSON.stringify({
    type: "notification_event",
    app_id: appId,
    id: `notif_bench_${index}`,
    topic: "conversation.user.created",
    delivery_status: "pending",
    delivery_attempts: 1,
    delivered_at: 0,
    first_sent_at: now,
    created_at: now,
    self: null,
    links: {},
    data: {
      type: "notification_event_data",
      item: {
        type: "conversation",
        id: String(1_000_000 + index),
        created_at: now,
        updated_at: now,
        source: {
          type: "conversation",
          id: String(5_000_000 + index),
          delivered_as: "customer_initiated",
          body: `<p>Question number ${index}</p>`,
          author: { type: "user", id: contactId },
        },
        contacts: { type: "contact.list", contacts: [{ type: "contact", id: contactId }] },
        admin_assignee_id: null,
        open: true,
        state: "open",
        conversation_parts: { type: "conversation_part.list", conversation_parts: [] },
      },
    },
  });
}

function post(url: URL, agent: Agent, body: string, signature: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "x-hub-signature": signature,
        },
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

export async function sendBurst(burst: BurstRequest): Promise<BurstResult> {
  const url = new URL(burst.url);
  const agent = new Agent({ keepAlive: true, maxSockets: burst.concurrency });
  const order = Array.from({ length: burst.count }, (_, index) => index);
  // Redeliveries go out a little after their first delivery, as Intercom's retries would.
  for (let index = 0; index < burst.redeliveries; index++) {
    order.splice(Math.min(order.length, index * 2 + 200), 0, index);
  }
  const bodies = order.map((index) => notificationBody(burst.appId, index, burst.contacts));
  const signatures = bodies.map(
    (body) => `sha1=${createHmac("sha1", burst.secret).update(body).digest("hex")}`,
  );
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  async function worker() {
    while (next < bodies.length) {
      const index = next++;
      const sentAt = performance.now();
      const status = await post(url, agent, bodies[index]!, signatures[index]!).catch(() => 0);
      latencies.push(performance.now() - sentAt);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }
  await Promise.all(Array.from({ length: burst.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    seconds,
    sent: bodies.length,
    statuses,
    p50_ms: percentile(latencies, 0.5),
    p99_ms: percentile(latencies, 0.99),
    max_ms: percentile(latencies, 1),
  };
}

if (process.send) {
  serveParent({}, async (message) =>
    message.type === "burst"
      ? { ...(await sendBurst(message as unknown as BurstRequest)) }
      : processUsage(),
  );
}
