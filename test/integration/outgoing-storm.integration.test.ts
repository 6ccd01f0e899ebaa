import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import {
  advanceIntercomClock,
  completeCount,
  expectEveryUserOnce,
  hullNotifications,
  intercomFault,
  prepareOutgoing,
  seedCustomers,
  type StormTarget,
} from "../helpers/outgoing-storm";
import { startTestStack, type Stack } from "../helpers/stack";

// Issues 21 and 22: 2,000 users handed to the connector while Intercom answers 429s or 500s, for
// a while or for long; every user ends in Intercom exactly once, with its attribute, tag and event.
const USERS = Number(process.env.STORM_USERS ?? 2000);
let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function start(env: Record<string, string> = {}): Promise<StormTarget> {
  stack = await startTestStack({ env: { LOG_LEVEL: process.env.STORM_LOG ?? "silent", ...env } });
  await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
  const target = { hullUrl: stack.urls.hull, intercomUrl: stack.urls.intercom };
  await prepareOutgoing(target);
  return target;
}

type Overview = {
  outgoing: { waiting_users: number; waiting_since?: string };
  activity: { recent_activity: { message: string }[] };
};
const overview = async () =>
  (await (
    await fetch(`${stack!.urls.connector}/admin/api/overview?${stack!.credentialsQuery}`)
  ).json()) as Overview;

/** Hull was slowed down with `next` for the users the connector kept, never told to resend. */
async function expectTakenOverWithNext(target: StormTarget): Promise<void> {
  const answers = (await hullNotifications(target)).filter((n) => n.channel === "user:update");
  expect(answers.filter((answer) => answer.flow_control?.type === "retry")).toEqual([]);
  const slowed = answers.filter(
    (answer) => answer.flow_control?.type === "next" && (answer.flow_control.size ?? 100) < 100,
  );
  expect(slowed.length).toBeGreaterThan(0);
  expect(slowed[0]!.flow_control!.in).toBeGreaterThan(1);
}

describe("outgoing under a 429 storm (issue 21)", () => {
  it("a 200-request storm: every user once, the rest kept and sent as the budget returns", async () => {
    const target = await start();
    await intercomFault(target, { status: 429, share: 1, count: 200 });
    const run = `storm-${randomUUID().slice(0, 8)}`;
    await seedCustomers(target, run, USERS);
    // The dashboard says users wait, and since when, while the storm lasts.
    await expect
      .poll(async () => (await overview()).outgoing.waiting_users, { timeout: 60_000 })
      .toBeGreaterThan(0);
    expect(Date.parse((await overview()).outgoing.waiting_since!)).toBeGreaterThan(0);
    await expectEveryUserOnce(target, run, USERS);
    await expectTakenOverWithNext(target);
    await expect
      .poll(async () => (await overview()).outgoing.waiting_users, { timeout: 30_000 })
      .toBe(0);
    const notes = (await overview()).activity.recent_activity.map((note) => note.message);
    expect(notes.some((note) => /users that waited for Intercom's rate budget/.test(note))).toBe(
      true,
    );
  }, 300_000);
});
