// Outgoing (DESIGN.md §8): Hull users in a synchronized segment sent to an Intercom stand-in held
// to a per-minute budget; first sync, then a steady-state change to every user.
import { atLeast, atMost, figure, tidy, type Measurement, type Mode } from "../results";
import { control, startSeparateStack, type SeparateStack } from "../separate-stack";
import { sleep } from "../stats";

// `perMinute` must hold the first sync back, or "share of the budget used" says nothing. On the
// 2-core bench machine the three processes together manage about 190 requests/s and a first sync
// took 5 calls per user when these sizes were chosen (about 2 since ADR 013), so 20,000 users at a binding budget would take ~10 minutes; full mode
// therefore syncs 3,000 users at 9,000/min (~100 s). `--outgoing-users=20000` runs the size.
const sizes = {
  quick: { users: 60, perMinute: 6_000, quietMs: 700, capS: 60 },
  full: { users: 3_000, perMinute: 9_000, quietMs: 4_000, capS: 900 },
};

interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  time: string;
}
interface Notification {
  status?: number;
  outcome: string;
  flow_control?: { type: string };
}
interface Contact {
  external_id: string | null;
  custom_attributes: Record<string, unknown>;
  tags: string[];
  events: { event_name: string }[];
}

const SEGMENT = "Bench customers";

/** Users in the synchronized segment; the first sync also brings one event each. */
function seeds(users: number, plan: (index: number) => string, withEvents: boolean) {
  return Array.from({ length: users }, (_, index) => ({
    claims: { email: `bench.user.${index}@example.com`, external_id: `bench-${index}` },
    attributes: {
      customer: true,
      name: `Bench User ${index}`,
      plan: plan(index),
      seats: index % 50,
    },
    events: withEvents ? [{ event: "Signed up", properties: { plan: plan(index) } }] : [],
  }));
}

/**
 * The fewest calls per user the API allows for the first sync's work: one create (it takes the
 * attributes), one event, and a share of one bulk tag call (`POST /tags {name, users: [...]}`,
 * intercom-api.md §1.4, which documents no maximum list length) for the one segment tag.
 */
function firstSyncFloor(users: number): number {
  return 1 + 1 + 1 / users;
}

/** Share of each 10-second window's allowance used, over the windows the sync filled. */
function budgetUsed(requests: LoggedRequest[], perWindow: number): number {
  const perIndex = new Map<number, number>();
  for (const request of requests) {
    if (request.status === 429) continue;
    const window = Math.floor(Date.parse(request.time) / 10_000);
    perIndex.set(window, (perIndex.get(window) ?? 0) + 1);
  }
  const windows = [...perIndex.keys()].sort((a, b) => a - b);
  // The first and last windows are partly outside the sync; judge the full ones when there are any.
  const full = windows.length > 2 ? windows.slice(1, -1) : windows;
  const used = full.reduce((sum, window) => sum + perIndex.get(window)!, 0);
  return used / (full.length * perWindow);
}

async function seedUsers(stack: SeparateStack, users: ReturnType<typeof seeds>): Promise<void> {
  for (let start = 0; start < users.length; start += 2_000) {
    await control(`${stack.urls.hull}/_sandbox/users`, users.slice(start, start + 2_000));
  }
}

/**
 * Waits until the sync is over: Hull has nothing left to send (no new notification for `quietMs`,
 * the last one answered) and the connector holds no user waiting for Intercom's budget (users it
 * took over, ADR 012, go out after Hull was answered, so Hull's log alone ends too early).
 */
async function waitUntilQuiet(stack: SeparateStack, quietMs: number, capS: number): Promise<void> {
  const deadline = Date.now() + capS * 1000;
  let last = "";
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await sleep(500);
    const log = (await control(
      `${stack.urls.hull}/_sandbox/notifications`,
      {},
      "GET",
    )) as Notification[];
    const tail = log.at(-1);
    const signature = `${log.length}:${JSON.stringify(tail)}`;
    if (signature !== last) {
      last = signature;
      quietSince = Date.now();
      continue;
    }
    const settled =
      tail !== undefined && tail.status === 200 && tail.flow_control?.type !== "retry";
    if (settled && Date.now() - quietSince >= quietMs && (await waitingUsers(stack)) === 0) return;
  }
}

/** "METHOD /path" → count, ids folded, to see where calls go. */
function tally(requests: LoggedRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of requests) {
    const key = `${request.method} ${request.path.replace(/(?<=find_by_external_id)\/[^/]+|\/[0-9a-f]{8,}|\/\d+/g, "/:id")} ${request.status}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Users the connector holds for Intercom's budget (the dashboard's overview). */
async function waitingUsers(stack: SeparateStack): Promise<number> {
  const answer = await stack.connectorCall("/admin/api/overview", "GET");
  if (!answer.ok) throw new Error(`overview answered ${answer.status}`);
  const overview = (await answer.json()) as { outgoing?: { waiting_users?: number } };
  return overview.outgoing?.waiting_users ?? 0;
}

async function takeRequests(stack: SeparateStack): Promise<LoggedRequest[]> {
  const { requests } = (await control(`${stack.urls.intercom}/_sandbox/requests`, {}, "GET")) as {
    requests: LoggedRequest[];
  };
  await control(`${stack.urls.intercom}/_sandbox/requests`, {}, "DELETE");
  return requests.filter((request) => !/^\/(oauth|auth)\b/.test(request.path));
}

export async function benchOutgoing(mode: Mode, users?: number): Promise<Measurement[]> {
  const size = { ...sizes[mode], ...(users ? { users } : {}) };
  const stack = await startSeparateStack();
  try {
    const segment = (await control(`${stack.urls.hull}/_sandbox/segments`, {
      name: SEGMENT,
      query: { customer: true },
    })) as { id: string };
    await control(
      `${stack.urls.hull}/_sandbox/connector/settings`,
      {
        private_settings: {
          synchronized_segments: [segment.id],
          sync_fields_to_intercom: [
            { hull: "name", name: "name", overwrite: true },
            { hull: "plan", name: "plan", overwrite: true },
            { hull: "seats", name: "seats", overwrite: true },
          ],
          send_events: ["Signed up"],
        },
      },
      "PUT",
    );
    await waitUntilQuiet(stack, size.quietMs, 10);
    await takeRequests(stack);
    await control(`${stack.urls.intercom}/_sandbox/rate-limit`, { per_minute: size.perMinute });

    await seedUsers(
      stack,
      seeds(size.users, (index) => (index % 2 ? "pro" : "free"), true),
    );
    await waitUntilQuiet(stack, size.quietMs, size.capS);
    const first = await takeRequests(stack);
    if (process.env.BENCH_DEBUG) console.error(tally(first));

    await seedUsers(
      stack,
      seeds(size.users, () => "enterprise", false),
    );
    await waitUntilQuiet(stack, size.quietMs, size.capS);
    const steady = await takeRequests(stack);
    if (process.env.BENCH_DEBUG) console.error(tally(steady));

    const { contacts } = (await control(`${stack.urls.intercom}/_sandbox/contacts`, {}, "GET")) as {
      contacts: Contact[];
    };
    const synced = new Set(
      contacts
        .filter(
          (contact) =>
            contact.external_id?.startsWith("bench-") &&
            contact.custom_attributes.plan === "enterprise" &&
            contact.tags.includes(SEGMENT) &&
            contact.events.some((event) => event.event_name === "Signed up"),
        )
        .map((contact) => contact.external_id),
    );

    const accepted = first.filter((request) => request.status !== 429);
    const times = first.map((request) => Date.parse(request.time));
    const seconds = (Math.max(...times) - Math.min(...times)) / 1000;
    const perWindow = Math.ceil(size.perMinute / 6);
    const all = [...first, ...steady];
    return [
      figure("users", size.users, "users"),
      figure("rate budget", size.perMinute, "requests/min"),
      figure("first sync duration", tidy(seconds), "s"),
      atLeast(
        "share of the rate budget used (first sync)",
        tidy(budgetUsed(first, perWindow)),
        "share",
        0.95,
      ),
      atMost(
        "share of requests answered 429",
        tidy(all.filter((request) => request.status === 429).length / all.length),
        "share",
        0.01,
        true,
      ),
      // About 2 since ADR 013 (create, event, a share of one bulk tag request).
      atMost(
        "API calls per synced user, first sync",
        tidy(accepted.length / size.users),
        "calls/user",
        2.2,
      ),
      figure(
        "API calls per synced user, first sync ÷ the API's floor",
        tidy(accepted.length / size.users / firstSyncFloor(size.users)),
        "×",
      ),
      atMost(
        "API calls per synced user, steady state",
        tidy(steady.filter((request) => request.status !== 429).length / size.users),
        "calls/user",
        1.05,
      ),
      atMost("users lost", size.users - synced.size, "users", 0),
    ];
  } finally {
    await stack.close();
  }
}
