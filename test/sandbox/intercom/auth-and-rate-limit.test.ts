import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { manualClock, startTestSandbox, type TestSandbox } from "./sandbox-client.js";

const clock = manualClock(Date.UTC(2026, 0, 10, 12, 0, 3)); // 3 s into a 10-second window
let api: TestSandbox;
beforeAll(async () => {
  api = await startTestSandbox({ now: clock.now, perMinute: 60 });
});
beforeEach(async () => {
  await api.reset();
});
afterAll(async () => {
  await api.close();
  expect(api.contractProblems).toEqual([]);
});

describe("authentication", () => {
  it("answers 401 Access Token Invalid without rate headers when the token is missing or unknown", async () => {
    for (const token of [null, "not-a-token"]) {
      const reply = await api.call("GET", "/contacts", undefined, { token });
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({
        type: "error.list",
        errors: [{ code: "unauthorized", message: "Access Token Invalid" }],
      });
      expect(reply.body.request_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(reply.headers.get("x-ratelimit-limit")).toBeNull();
      expect(reply.headers.get("x-ratelimit-remaining")).toBeNull();
    }
  });

  it("answers 400 for an unknown Intercom-Version and accepts known ones", async () => {
    const bad = await api.call("GET", "/me", undefined, { headers: { "Intercom-Version": "9.9" } });
    expect(bad.status).toBe(400);
    const good = await api.call("GET", "/me", undefined, {
      headers: { "Intercom-Version": "2.14" },
    });
    expect(good.status).toBe(200);
    expect(good.body.app).toMatchObject({ type: "app", id_code: "sbx0app1", region: "US" });
  });

  it("answers 404 in error.list shape for unknown routes and unsupported methods", async () => {
    const unknown = await api.call("GET", "/nothing-here", undefined, { contract: false });
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors[0]).toEqual({ code: "not_found", message: "Resource Not Found" });
    const patch = await api.call("PATCH", "/contacts", {}, { contract: false });
    expect(patch.status).toBe(404);
  });

  it("stops accepting a token after POST /auth/uninstall", async () => {
    const token = (await api.call("POST", "/_sandbox/token")).body.access_token;
    expect((await api.call("POST", "/auth/uninstall", undefined, { token })).status).toBe(200);
    expect((await api.call("GET", "/me", undefined, { token })).status).toBe(401);
  });
});

describe("rate limit", () => {
  it("sends X-RateLimit-* on every authenticated answer for the 10-second window", async () => {
    const reply = await api.call("GET", "/me");
    expect(reply.headers.get("x-ratelimit-limit")).toBe("10");
    expect(Number(reply.headers.get("x-ratelimit-remaining"))).toBeLessThan(10);
    expect(reply.headers.get("x-ratelimit-reset")).toBe(
      String(Math.ceil(clock.now() / 10_000) * 10),
    );
    const missing = await api.call("GET", "/contacts/000000000000000000000000");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-ratelimit-limit")).toBe("10");
  });

  it("answers 429 rate_limit_exceeded after the window budget and recovers in the next window", async () => {
    clock.advance(10_000); // a fresh window
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 11; i++) {
      last = await api.call("GET", "/me");
      statuses.push(last.status);
    }
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
    expect(last!.body.errors[0]).toEqual({
      code: "rate_limit_exceeded",
      message: "Exceeded rate limit of 10 in 10_seconds",
    });
    expect(last!.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(last!.headers.get("x-ratelimit-limit")).toBe("10");
    clock.advance(10_000);
    const recovered = await api.call("GET", "/me");
    expect(recovered.status).toBe(200);
    expect(recovered.headers.get("x-ratelimit-remaining")).toBe("9");
  });

  it("takes a new budget from POST /_sandbox/rate-limit and validates it", async () => {
    clock.advance(10_000);
    expect((await api.call("POST", "/_sandbox/rate-limit", { per_minute: 600 })).status).toBe(200);
    expect((await api.call("GET", "/me")).headers.get("x-ratelimit-limit")).toBe("100");
    expect((await api.call("POST", "/_sandbox/rate-limit", { per_minute: -1 })).status).toBe(400);
  });
});
