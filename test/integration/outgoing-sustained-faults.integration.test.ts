import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import {
  expectEveryUserOnce,
  hullNotifications,
  intercomFault,
  prepareOutgoing,
  seedCustomers,
} from "../helpers/outgoing-storm";
import { startTestStack, type Stack } from "../helpers/stack";
import { eventually } from "../server/outgoing/helpers/sandbox-control";

// Issue 22: Intercom fails 30 % of all requests for as long as the sync lasts; no user may be lost
// to transient errors, however long they last, and none may arrive twice.
const USERS = Number(process.env.STORM_USERS ?? 2000);
let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
}, 60_000);

async function deliverUnder(rule: Record<string, unknown>): Promise<void> {
  stack = await startTestStack({ env: { LOG_LEVEL: process.env.STORM_LOG ?? "silent" } });
  await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
  const target = { hullUrl: stack.urls.hull, intercomUrl: stack.urls.intercom };
  await prepareOutgoing(target);
  await intercomFault(target, rule);
  const run = `faults-${randomUUID().slice(0, 8)}`;
  await seedCustomers(target, run, USERS);
  await expectEveryUserOnce(target, run, USERS);
  // The users are complete in Intercom before the connector has told Hull what it learnt and
  // answered: wait until no notification is in flight (a record without status or error).
  const settled = async () => {
    const all = await hullNotifications(target);
    return all.every((n) => n.status !== undefined || "error" in n) ? all : undefined;
  };
  const answers = (await eventually(settled)).filter((n) => n.channel === "user:update");
  expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
}

describe("outgoing under sustained faults (issue 22)", () => {
  it("30 % of requests answered 500: 2,000 of 2,000 delivered, each once", async () => {
    await deliverUnder({ status: 500, share: 0.3 });
  }, 600_000);

  it("30 % of requests answered 429: 2,000 of 2,000 delivered, each once", async () => {
    await deliverUnder({ status: 429, share: 0.3 });
  }, 600_000);
});
