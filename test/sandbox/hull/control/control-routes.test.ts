import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startHullSandbox, type HullSandbox } from "../../../../sandbox/hull/index.js";
import { getJson, sendJson, usersOf } from "../helpers.js";

let hull: HullSandbox;
beforeAll(async () => {
  hull = await startHullSandbox({ notifyDelayMs: 10 });
});
afterAll(() => hull.close());
beforeEach(() => fetch(`${hull.url}/_sandbox/reset`, { method: "POST" }));

describe("the /_sandbox controls", () => {
  it("seed users with claims, attributes and events", async () => {
    const seeded = await sendJson(`${hull.url}/_sandbox/users`, "POST", [
      {
        claims: { email: "a@example.com", external_id: "u1" },
        attributes: { plan: "pro" },
        events: [{ event: "Signed up", properties: { via: "web" } }],
      },
    ]);
    expect(seeded.status).toBe(201);
    expect(await usersOf(hull)).toEqual([
      expect.objectContaining({
        email: "a@example.com",
        external_id: "u1",
        attributes: { email: "a@example.com", plan: "pro" },
        events: [expect.objectContaining({ event: "Signed up", properties: { via: "web" } })],
      }),
    ]);
  });

  it("refuse a seed with a bad entry and write none of it", async () => {
    const answer = await sendJson(`${hull.url}/_sandbox/users`, "POST", [
      { claims: { email: "ok@example.com" } },
      { claims: {} },
    ]);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/user 1/);
    expect(await usersOf(hull)).toEqual([]);
  });

  it("put users into segments, and out of a deleted one with a Left segment event", async () => {
    await sendJson(`${hull.url}/_sandbox/users`, "POST", [
      { claims: { email: "a@example.com" }, attributes: { "intercom/is_lead": true } },
    ]);
    const segment = (
      await sendJson(`${hull.url}/_sandbox/segments`, "POST", {
        name: "Leads",
        query: { "intercom/is_lead": true },
      })
    ).body;
    expect((await usersOf(hull))[0]!.segment_ids).toEqual([segment.id]);
    await fetch(`${hull.url}/_sandbox/segments/${segment.id}`, { method: "DELETE" });
    const [user] = await usersOf(hull);
    expect(user!.segment_ids).toEqual([]);
    expect(user!.events.map((event) => event.event)).toEqual(["Entered segment", "Left segment"]);
  });

  it("answer 400 or 404 to bad segment and notify requests", async () => {
    expect((await sendJson(`${hull.url}/_sandbox/segments`, "POST", { query: {} })).status).toBe(
      400,
    );
    expect(
      (await sendJson(`${hull.url}/_sandbox/segments/${"c".repeat(24)}`, "PUT", { name: "x" }))
        .status,
    ).toBe(404);
    expect((await sendJson(`${hull.url}/_sandbox/notify`, "POST", {})).status).toBe(400);
    expect(
      (await sendJson(`${hull.url}/_sandbox/notify`, "POST", { user_ids: ["nobody"] })).status,
    ).toBe(404);
    expect(await getJson(`${hull.url}/_sandbox/segments`)).toEqual([]);
  });

  it("show the connector's credentials", async () => {
    expect(await getJson(`${hull.url}/_sandbox/connector`)).toMatchObject(hull.connector);
  });
});
