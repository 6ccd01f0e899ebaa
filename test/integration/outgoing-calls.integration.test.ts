/**
 * Issue 18: how many Intercom requests a user costs, counted at the Intercom stand-in (never
 * timed). The benchmark user (bench/scenarios/outgoing.ts): email and external_id, 3 attributes,
 * one event and one segment. First sync: create (1) + event (1) + a share of one bulk tag request
 * per segment and batch (ADR 013) + the workspace's data attribute catalogue, read and completed
 * once. Steady state (one attribute changed, Hull knows the Intercom id): one update.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { intercomRequestProblems } from "../helpers/intercom-contract";
import type { Stack } from "../helpers/stack";
import { waitWhileProgressing } from "../helpers/wait";
import {
  eventually,
  startConnectedStack,
  type hullControl,
  type intercomControl,
  type LoggedRequest,
} from "../server/outgoing/helpers/sandbox-control";

const USERS = 60;
const SEGMENT = "Bench customers";
let stack: Stack;
let hull: ReturnType<typeof hullControl>;
let intercom: ReturnType<typeof intercomControl>;

const seeds = (plan: (index: number) => string, withEvents: boolean) =>
  Array.from({ length: USERS }, (_, index) => ({
    claims: { email: `calls.${index}@example.com`, external_id: `calls-${index}` },
    attributes: { customer: true, name: `Calls User ${index}`, plan: plan(index), seats: index },
    events: withEvents ? [{ event: "Signed up", properties: { plan: plan(index) } }] : [],
  }));

/** REST requests Intercom answered (not OAuth, not refused for the rate budget). */
const restCalls = (requests: LoggedRequest[]) =>
  requests.filter((request) => !/^\/(oauth|auth)\b/.test(request.path) && request.status !== 429);

const tally = (requests: LoggedRequest[]) => {
  const counts: Record<string, number> = {};
  for (const { method, path } of requests) {
    const key = `${method} ${path.replace(/\/[0-9a-f]{24}/g, "/:id")}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
};

beforeAll(async () => {
  ({ stack, hull, intercom } = await startConnectedStack());
  await intercom.rateLimit(6_000_000);
  const segment = await hull.createSegment(SEGMENT, { customer: true });
  await hull.settings({
    synchronized_segments: [segment.id],
    sync_fields_to_intercom: [
      { hull: "name", name: "name", overwrite: true },
      { hull: "plan", name: "plan", overwrite: true },
      { hull: "seats", name: "seats", overwrite: true },
    ],
    send_events: ["Signed up"],
  });
  await intercom.clearRequests();
});
afterAll(() => stack?.close());

const users = async () =>
  (await hull.users()).filter((user) => String(user.email).startsWith("calls."));

describe("Intercom requests per user (issue 18)", () => {
  it("first sync of the benchmark user costs at most 2.2 requests per user", async () => {
    await hull.seedUsers(seeds((index) => (index % 2 ? "pro" : "free"), true));
    await waitWhileProgressing(
      async () =>
        (await intercom.contacts()).filter(
          (contact) =>
            contact.tags.includes(SEGMENT) &&
            contact.events.some((event) => event.event_name === "Signed up"),
        ).length,
      (count) => count === USERS,
      { what: `${USERS} tagged contacts with their event` },
    );
    // Hull has learnt every Intercom id: the first sync is over.
    await eventually(async () => {
      const known = (await users()).filter((user) => user.attributes["intercom/id"]);
      return known.length === USERS;
    });
    const calls = restCalls(await intercom.requests());
    const perUser = calls.length / USERS;
    expect(perUser, JSON.stringify(tally(calls))).toBeLessThanOrEqual(2.2);
    expect(calls.filter((call) => call.path === "/contacts/search")).toEqual([]);
    expect(calls.filter((call) => /\/contacts\/[^/]+\/tags$/.test(call.path))).toEqual([]);
    // The bulk tag request is the one Intercom's description documents (tag_multiple_users_request).
    const bulk = calls.filter((call) => call.method === "POST" && call.path === "/tags");
    expect(bulk.map((call) => call.body)).toEqual([
      { name: SEGMENT, users: expect.arrayContaining([{ id: expect.any(String) }]) },
    ]);
    expect(
      calls.flatMap((call) => intercomRequestProblems(call.method, call.path, call.body)),
    ).toEqual([]);
  });

  it("a steady-state change costs at most 1.05 requests per user", async () => {
    await intercom.clearRequests();
    await hull.seedUsers(seeds(() => "enterprise", false));
    await waitWhileProgressing(
      async () =>
        (await intercom.contacts()).filter(
          (contact) =>
            contact.external_id?.startsWith("calls-") &&
            contact.custom_attributes.plan === "enterprise",
        ).length,
      (count) => count === USERS,
      { what: `${USERS} contacts on the enterprise plan` },
    );
    const calls = restCalls(await intercom.requests());
    expect(calls.length / USERS, JSON.stringify(tally(calls))).toBeLessThanOrEqual(1.05);
    expect(calls.length / USERS).toBeGreaterThanOrEqual(1);
  });
});
