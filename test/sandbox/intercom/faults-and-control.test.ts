import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestSandbox, type TestSandbox } from "./sandbox-client.js";

let api: TestSandbox;
beforeAll(async () => {
  api = await startTestSandbox({ seed: 7 });
});
beforeEach(async () => {
  await api.reset();
});
afterAll(async () => {
  await api.close();
  expect(api.contractProblems).toEqual([]);
});

const statusesOf = async (count: number, path = "/me") => {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) statuses.push((await api.call("GET", path)).status);
  return statuses;
};

describe("faults", () => {
  it("answers the chosen status in error.list shape for every request when share is 1", async () => {
    await api.call("POST", "/_sandbox/faults", { status: 503, share: 1 });
    const reply = await api.call("GET", "/me");
    expect(reply.status).toBe(503);
    expect(reply.body.errors[0].code).toBe("service_unavailable");
    await api.call("POST", "/_sandbox/faults", {});
    expect((await api.call("GET", "/me")).status).toBe(200);
  });

  it("hits about the given share of requests, repeatably for a seed", async () => {
    await api.call("POST", "/_sandbox/faults", { status: 500, share: 0.5 });
    const statuses = await statusesOf(60);
    const failed = statuses.filter((s) => s === 500).length;
    expect(failed).toBeGreaterThan(15);
    expect(failed).toBeLessThan(45);
    expect(statuses.every((s) => s === 200 || s === 500)).toBe(true);
  });

  it("only touches requests whose path starts with the path filter", async () => {
    await api.call("POST", "/_sandbox/faults", { status: 500, share: 1, path: "/contacts" });
    expect(await statusesOf(2, "/me")).toEqual([200, 200]);
    expect((await api.call("GET", "/contacts")).status).toBe(500);
  });

  it("stops after count matches", async () => {
    await api.call("POST", "/_sandbox/faults", { status: 502, share: 1, count: 2 });
    expect(await statusesOf(4)).toEqual([502, 502, 200, 200]);
  });

  it("holds a rule for duration_ms on the stand-in's clock, which POST /_sandbox/clock moves", async () => {
    // A ten-minute storm that a test lets pass without waiting ten minutes.
    await api.call("POST", "/_sandbox/faults", { status: 429, share: 1, duration_ms: 600_000 });
    const stormy = await api.call("GET", "/me");
    expect(stormy.status).toBe(429);
    expect(stormy.body.errors[0].code).toBe("rate_limit_exceeded");
    // Injected, not the window's own excess: the window's headers still say budget is left.
    expect(Number(stormy.headers.get("x-ratelimit-remaining"))).toBeGreaterThan(0);
    const before = Date.parse(
      (await api.call("POST", "/_sandbox/clock", { advance_ms: 0 })).body.clock,
    );
    await api.call("POST", "/_sandbox/clock", { advance_ms: 590_000 });
    expect((await api.call("GET", "/me")).status).toBe(429);
    const moved = await api.call("POST", "/_sandbox/clock", { advance_ms: 10_000 });
    expect(Date.parse(moved.body.clock) - before).toBeGreaterThanOrEqual(600_000);
    expect((await api.call("GET", "/me")).status).toBe(200);
  });

  it("refuses a clock that would go back or a duration that is not a positive integer", async () => {
    expect((await api.call("POST", "/_sandbox/clock", { advance_ms: -1 })).status).toBe(400);
    expect((await api.call("POST", "/_sandbox/clock", { back_ms: 1 })).status).toBe(400);
    const zero = { status: 429, share: 1, duration_ms: 0 };
    expect((await api.call("POST", "/_sandbox/faults", zero)).status).toBe(400);
  });

  it("delays, then answers normally", async () => {
    await api.call("POST", "/_sandbox/faults", { delay_ms: 50, share: 1, count: 1 });
    const reply = await api.call("GET", "/me");
    expect(reply.status).toBe(200);
    const [logged] = (await api.call("GET", "/_sandbox/requests")).body.requests;
    expect(logged).toMatchObject({ method: "GET", path: "/me", status: 200 });
  });

  it("drops the connection", async () => {
    await api.call("POST", "/_sandbox/faults", { drop: true, share: 1, count: 1 });
    await expect(api.call("GET", "/me")).rejects.toThrow();
    expect((await api.call("GET", "/me")).status).toBe(200);
  });

  it("refuses fault rules it cannot apply", async () => {
    for (const body of [
      { share: 2, status: 500 },
      { share: 1 },
      { share: 1, status: 200 },
      { share: 1, status: 500, color: "red" },
    ]) {
      const reply = await api.call("POST", "/_sandbox/faults", body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
    }
  });
});

describe("control and inspection", () => {
  it("logs REST requests with body and status but never tokens or secrets", async () => {
    await api.call("POST", "/contacts", { email: "log@example.org" });
    await api.call(
      "POST",
      "/auth/eagle/token",
      new URLSearchParams({
        grant_type: "authorization_code",
        code: "c=",
        client_id: "sandbox-client-id",
        client_secret: "sandbox-client-secret",
      }).toString(),
      { token: null, headers: { "Content-Type": "application/x-www-form-urlencoded" } },
    );
    const { requests } = (await api.call("GET", "/_sandbox/requests")).body;
    expect(requests[0]).toMatchObject({
      method: "POST",
      path: "/contacts",
      body: { email: "log@example.org" },
      status: 200,
    });
    expect(requests[1].body.client_secret).toBe("[redacted]");
    const text = JSON.stringify(requests);
    expect(text).not.toContain(api.token);
    expect(text).not.toContain("sandbox-client-secret");
    await api.call("DELETE", "/_sandbox/requests");
    expect((await api.call("GET", "/_sandbox/requests")).body.requests).toEqual([]);
  });

  it("adds explicit contacts, validating all of them before writing any", async () => {
    const bad = await api.call("POST", "/_sandbox/contacts", {
      contacts: [{ email: "ok@example.org" }, { email: 3 }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].message).toContain("contacts[1]");
    expect((await api.call("GET", "/_sandbox/contacts")).body.contacts).toEqual([]);
    const good = await api.call("POST", "/_sandbox/contacts", {
      contacts: [{ email: "a@example.org" }, { role: "lead" }],
    });
    expect(good.body.count).toBe(2);
    const listed = await api.call("GET", "/_sandbox/contacts?limit=1");
    expect(listed.body.contacts).toHaveLength(1);
    expect(listed.body.contacts[0]).toMatchObject({ id: good.body.ids[0], tags: [], events: [] });
  });

  it("validates control bodies with a clear 400", async () => {
    const cases: Array<[string, unknown]> = [
      ["/_sandbox/contacts", { count: 0 }],
      ["/_sandbox/contacts", { count: 5, role: "admin" }],
      ["/_sandbox/rate-limit", { per_minute: "fast" }],
      ["/_sandbox/settings", { webhook_url: "ftp://x" }],
      ["/_sandbox/settings", { search_lag_ms: -5 }],
      ["/_sandbox/settings", { colour: "blue" }],
    ];
    for (const [path, body] of cases) {
      const reply = await api.call("POST", path, body);
      expect(reply.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(reply.body.errors[0].message.length).toBeGreaterThan(5);
    }
  });

  it("reset empties the workspace and revokes tokens", async () => {
    const before = api.token;
    await api.call("POST", "/contacts", { email: "gone@example.org" }, { token: before });
    await api.call("POST", "/_sandbox/reset");
    expect((await api.call("GET", "/me", undefined, { token: before })).status).toBe(401);
    await api.reset();
    expect((await api.call("GET", "/contacts")).body.total_count).toBe(0);
  });
});
