import jwt from "jsonwebtoken";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startHullSandbox, type HullSandbox } from "../../../../sandbox/hull/index.js";
import { entry, getJson, postFirehose, userToken, usersOf } from "../helpers.js";

let hull: HullSandbox;
beforeAll(async () => {
  hull = await startHullSandbox({ notifyDelayMs: 10 });
});
afterAll(() => hull.close());
beforeEach(() => fetch(`${hull.url}/_sandbox/reset`, { method: "POST" }));

describe("POST /firehose", () => {
  it("applies traits with operations, storing grouped names flat", async () => {
    const token = userToken(hull, { email: "ada@example.com", anonymous_id: "intercom:1" });
    const result = await postFirehose(hull, [
      entry(
        "traits",
        { "intercom/is_lead": true, name: { operation: "setIfNull", value: "Ada" }, visits: 2 },
        token,
      ),
      entry(
        "traits",
        { visits: { operation: "inc", value: 3 }, name: { operation: "setIfNull", value: "Bob" } },
        token,
      ),
    ]);
    expect(result.status).toBe(200);
    const [user] = await usersOf(hull);
    expect(user).toMatchObject({
      email: "ada@example.com",
      anonymous_ids: ["intercom:1"],
      attributes: { "intercom/is_lead": true, name: "Ada", visits: 5 },
    });
  });

  it("records track events with their context and skips a repeated event_id", async () => {
    const token = userToken(hull, { external_id: "u1" });
    const track = entry(
      "track",
      { event: "User replied", properties: { body: "hi" }, event_id: "conv-1", source: "intercom" },
      token,
    );
    await postFirehose(hull, [track]);
    await postFirehose(hull, [track]);
    const [user] = await usersOf(hull);
    expect(user!.events).toHaveLength(1);
    expect(user!.events[0]).toMatchObject({
      event: "User replied",
      properties: { body: "hi" },
      context: { source: "intercom" },
    });
  });

  it("merges a visitor into a known user on alias", async () => {
    await postFirehose(hull, [
      entry("traits", { plan: "pro" }, userToken(hull, { email: "bo@example.com" })),
    ]);
    await postFirehose(hull, [
      entry("traits", { visits: 1 }, userToken(hull, { anonymous_id: "intercom:v1" })),
    ]);
    await postFirehose(hull, [
      entry("alias", { anonymous_id: "intercom:v1" }, userToken(hull, { email: "bo@example.com" })),
    ]);
    const users = await usersOf(hull);
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({
      anonymous_ids: ["intercom:v1"],
      attributes: { plan: "pro", visits: 1 },
    });
  });

  it("skips an entry whose claims match nobody when io.hull.create is false", async () => {
    const token = userToken(hull, { email: "ghost@example.com" }, { "io.hull.create": false });
    const result = await postFirehose(hull, [entry("traits", { plan: "pro" }, token)]);
    expect(result.status).toBe(200);
    expect(await usersOf(hull)).toEqual([]);
    const [logged] = await getJson<{ accepted: boolean; note?: string }[]>(
      `${hull.url}/_sandbox/firehose`,
    );
    expect(logged).toMatchObject({
      accepted: true,
      note: expect.stringMatching(/create is false/),
    });
  });

  it("removes an anonymous id on unalias", async () => {
    const token = userToken(hull, { email: "un@example.com" });
    await postFirehose(hull, [
      entry("alias", { anonymous_id: "intercom:1" }, token),
      entry("alias", { anonymous_id: "intercom:2" }, token),
      entry("unalias", { anonymous_id: "intercom:1" }, token),
    ]);
    const [user] = await usersOf(hull);
    expect(user!.anonymous_ids).toEqual(["intercom:2"]);
  });

  const rejected: [string, () => unknown][] = [
    [
      "a token signed with another secret",
      () => entry("traits", { a: 1 }, userToken(hull, { email: "x@y.z" }, {}, "wrong")),
    ],
    ["a token without io.hull.asUser claims", () => entry("traits", { a: 1 }, userToken(hull, {}))],
    [
      "a token issued for another connector",
      () =>
        entry(
          "traits",
          { a: 1 },
          jwt.sign(
            { iss: "0".repeat(24), "io.hull.asUser": { email: "x@y.z" } },
            hull.connector.secret,
          ),
        ),
    ],
    ["a token that is not a JWT", () => entry("traits", { a: 1 }, "not-a-jwt")],
    [
      "a whitespace external_id claim",
      () => entry("traits", { a: 1 }, userToken(hull, { email: "x@y.z", external_id: "  " })),
    ],
    [
      // hull-client lib/crypto.js buildToken always sets iat.
      "a token without iat",
      () =>
        entry(
          "traits",
          { a: 1 },
          jwt.sign(
            { iss: hull.connector.id, "io.hull.asUser": { email: "x@y.z" } },
            hull.connector.secret,
            { noTimestamp: true },
          ),
        ),
    ],
    [
      // hull-client lib/crypto.js lookupToken sets sub to the Hull id of an id claim.
      "a token naming the user by Hull id without sub",
      () =>
        entry(
          "traits",
          { a: 1 },
          jwt.sign(
            { iss: hull.connector.id, "io.hull.asUser": { id: "5f0000000000000000000001" } },
            hull.connector.secret,
          ),
        ),
    ],
    ["an unknown type", () => entry("identify", { a: 1 }, userToken(hull, { email: "x@y.z" }))],
    [
      "a track without event name",
      () => entry("track", { properties: {} }, userToken(hull, { email: "x@y.z" })),
    ],
    [
      "an unknown operation",
      () =>
        entry(
          "traits",
          { a: { operation: "push", value: 1 } },
          userToken(hull, { email: "x@y.z" }),
        ),
    ],
  ];

  it.each(rejected)(
    "refuses a batch holding %s with a 400 and applies nothing of it",
    async (_title, bad) => {
      const good = entry("traits", { plan: "pro" }, userToken(hull, { email: "good@example.com" }));
      const result = await postFirehose(hull, [good, bad()]);
      expect(result.status).toBe(400);
      expect(result.body.message).toMatch(/entry 1/);
      expect(await usersOf(hull)).toEqual([]);
      const log = await getJson<{ accepted: boolean }[]>(`${hull.url}/_sandbox/firehose`);
      expect(log.map((item) => item.accepted)).toEqual([false, false]);
    },
  );

  it("refuses the entries of a user named by the refuse_claims control, until {} clears it", async () => {
    const control = (body: unknown) =>
      fetch(`${hull.url}/_sandbox/faults`, { method: "POST", body: JSON.stringify(body) });
    expect((await control({ refuse_claims: { email: 1 } })).status).toBe(400);
    await control({ refuse_claims: { email: "poison@example.com" } });
    const poison = entry("traits", { a: 1 }, userToken(hull, { email: "poison@example.com" }));
    const good = entry("traits", { a: 1 }, userToken(hull, { email: "good@example.com" }));
    const refused = await postFirehose(hull, [good, poison]);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/entry 1: refused by the sandbox control/);
    expect((await postFirehose(hull, [good])).status).toBe(200);
    await control({});
    expect((await postFirehose(hull, [poison])).status).toBe(200);
  });

  it("refuses a body without a batch array", async () => {
    const response = await fetch(`${hull.url}/firehose`, {
      method: "POST",
      body: JSON.stringify({ entries: [] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: expect.stringMatching(/batch/) });
  });

  it("shows each accepted entry with its decoded claims", async () => {
    await postFirehose(hull, [
      entry("traits", { a: 1 }, userToken(hull, { email: "log@example.com" })),
    ]);
    const [logged] = await getJson<Record<string, unknown>[]>(`${hull.url}/_sandbox/firehose`);
    expect(logged).toMatchObject({
      type: "traits",
      accepted: true,
      claims: { iss: hull.connector.id, "io.hull.asUser": { email: "log@example.com" } },
    });
  });
});
