import { afterEach, describe, expect, it } from "vitest";
import {
  IntercomApiError,
  IntercomUnavailableError,
  TokenRevokedError,
} from "../../../../server/clients/intercom/errors";
import { createIntercomHttp } from "../../../../server/clients/intercom/http-client";
import { MAX_RETRY_AFTER_MS, Pacer, retryAfterMs } from "../../../../server/clients/intercom/pacer";
import { RetryableError } from "../../../../server/errors";
import { startFakeServer, type FakeReply } from "../../../helpers/fake-server";

let server: Awaited<ReturnType<typeof startFakeServer>> | undefined;
afterEach(() => server?.close());

/**
 * The instant the pacer's clock starts at. Fixed, so a reset computed from it stays in the future
 * however long a loaded machine takes between building the replies and the client.
 */
const CLOCK_START = Date.UTC(2026, 0, 10, 12, 0, 0, 400);

async function clientFor(replies: FakeReply[], maxRetries = 3) {
  const queue = [...replies];
  server = await startFakeServer(() => queue.shift() ?? { status: 500 });
  const waits: number[] = [];
  // The pacer's clock moves only when the client sleeps, so nothing here waits for real.
  let now = CLOCK_START;
  const pacer = new Pacer({ random: () => 0, now: () => now });
  const http = createIntercomHttp({
    baseUrl: server.url,
    token: "tok_123",
    pacer,
    maxRetries,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  });
  return { http, waits, requests: server.requests, pacer };
}

const error = (status: number, code: string, message = "") => ({
  status,
  body: { type: "error.list", request_id: null, errors: [{ code, message }] },
});

describe("createIntercomHttp(options)", () => {
  it("sends the bearer token, the API version and JSON", async () => {
    const { http, requests } = await clientFor([{ body: { type: "admin", id: "1" } }]);
    expect(await http("GET", "/me")).toEqual({ type: "admin", id: "1" });
    expect(requests[0]?.headers).toMatchObject({
      authorization: "Bearer tok_123",
      "intercom-version": "2.14",
      accept: "application/json",
    });
  });

  it("waits for the reset the 429 names, then retries", async () => {
    const reset = Math.floor(CLOCK_START / 1000) + 3;
    const { http, waits, requests } = await clientFor([
      {
        ...error(429, "rate_limit_exceeded"),
        headers: {
          "x-ratelimit-limit": "10",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": String(reset),
        },
      },
      { body: { ok: true } },
    ]);
    expect(await http("GET", "/contacts")).toEqual({ ok: true });
    expect(requests).toHaveLength(2);
    expect(waits[0]).toBeGreaterThan(1000);
  });

  it("backs off a 429 that says the window has budget left, without stalling the window", async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 9);
    const budgetLeft = { "x-ratelimit-limit": "10", "x-ratelimit-remaining": "7" };
    const { http, waits, requests } = await clientFor(
      [
        {
          ...error(429, "rate_limit_exceeded"),
          headers: { ...budgetLeft, "x-ratelimit-reset": reset },
        },
        {
          ...error(429, "rate_limit_exceeded"),
          headers: { ...budgetLeft, "x-ratelimit-reset": reset },
        },
        { body: { ok: true } },
      ],
      3,
    );
    expect(await http("GET", "/contacts")).toEqual({ ok: true });
    expect(requests).toHaveLength(3);
    // Randomised exponential backoff from 500 ms (×0.5 to ×1.5), far below the 9 s to the reset.
    expect(waits[0]).toBeGreaterThanOrEqual(250);
    expect(waits[0]).toBeLessThanOrEqual(750);
    expect(waits[1]).toBeGreaterThanOrEqual(500);
    expect(waits[1]).toBeLessThanOrEqual(1500);
  });

  // intercom-client 7.0.3 (core/fetcher/requestWithRetries.js) waits a 429's Retry-After first.
  it("waits at least what a 429's Retry-After asks, with or without X-RateLimit headers", async () => {
    const { http, waits, requests } = await clientFor([
      { ...error(429, "rate_limit_exceeded"), headers: { "retry-after": "20" } },
      {
        ...error(429, "rate_limit_exceeded"),
        headers: { "retry-after": "30", "x-ratelimit-limit": "10", "x-ratelimit-remaining": "7" },
      },
      { body: { ok: true } },
    ]);
    expect(await http("GET", "/contacts")).toEqual({ ok: true });
    expect(requests).toHaveLength(3);
    expect(waits).toEqual([20_000, 30_000]);
  });

  it("holds the workspace's other requests for a Retry-After, not only the one refused", async () => {
    const { http, waits, pacer } = await clientFor([
      {
        ...error(429, "rate_limit_exceeded"),
        headers: { "retry-after": "30", "x-ratelimit-limit": "10", "x-ratelimit-remaining": "7" },
      },
      { body: { ok: true } },
    ]);
    await http("GET", "/contacts");
    expect(waits).toEqual([30_000]);
    // The pacer's window was held until then: a request sent meanwhile would have waited too.
    expect(pacer.snapshot()?.remaining).toBe(0);
  });

  it("hands a Retry-After longer than a minute back to its caller, whole", async () => {
    const { http, waits, requests } = await clientFor([
      { ...error(429, "rate_limit_exceeded"), headers: { "retry-after": "600" } },
    ]);
    const failure = await http("GET", "/contacts").catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(RetryableError);
    expect((failure as RetryableError).retryAfterMs).toBe(600_000);
    expect(requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("reads Retry-After as delay-seconds or an HTTP-date, and ignores what it cannot read", () => {
    const now = Date.UTC(2026, 11, 1, 12, 0, 0);
    const headers = (value: string) => ({ get: () => value });
    expect(retryAfterMs(headers("5"), now)).toBe(5000);
    expect(retryAfterMs(headers("86400"), now)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMs(headers("Tue, 01 Dec 2026 12:00:07 GMT"), now)).toBe(7000);
    expect(retryAfterMs(headers("Tue, 01 Dec 2026 11:00:00 GMT"), now)).toBe(0);
    expect(retryAfterMs(headers("soon"), now)).toBe(0);
    expect(retryAfterMs({ get: () => null }, now)).toBe(0);
  });

  it("retries 5xx with growing backoff and gives up with a RetryableError", async () => {
    const { http, waits, requests } = await clientFor(
      [error(500, "server_error"), error(502, "x"), error(503, "x"), error(500, "x")],
      3,
    );
    await expect(http("GET", "/contacts")).rejects.toBeInstanceOf(RetryableError);
    expect(requests).toHaveLength(4);
    expect(waits).toEqual([500, 1000, 2000]);
  });

  it("gives up on a 5xx as an IntercomUnavailableError carrying Intercom's status", async () => {
    const { http } = await clientFor([error(500, "x"), error(503, "x")], 1);
    const failure = await http("GET", "/contacts").catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(IntercomUnavailableError);
    expect(failure).toMatchObject({ upstreamStatus: 503 });
  });

  it("with retryUnavailable false, throws a 5xx at once, never sending the request again", async () => {
    const { http, requests, waits } = await clientFor([error(500, "server_error"), { body: {} }]);
    const failure = await http("GET", "/companies/scroll", {
      query: { scroll_param: "p-1" },
      retryUnavailable: false,
    }).catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(IntercomUnavailableError);
    expect(failure).toMatchObject({ upstreamStatus: 500 });
    expect(requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("with retryUnavailable false, still waits out a 429 (Intercom did nothing) and tries again", async () => {
    const reset = Math.floor(CLOCK_START / 1000) + 3;
    const { http, requests } = await clientFor([
      {
        ...error(429, "rate_limit_exceeded"),
        headers: {
          "x-ratelimit-limit": "10",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": String(reset),
        },
      },
      { body: { type: "list", data: [] } },
    ]);
    expect(await http("GET", "/companies/scroll", { retryUnavailable: false })).toEqual({
      type: "list",
      data: [],
    });
    expect(requests).toHaveLength(2);
  });

  it("turns 401 into TokenRevokedError without retrying", async () => {
    const { http, requests } = await clientFor([
      error(401, "unauthorized", "Access Token Invalid"),
    ]);
    await expect(http("GET", "/me")).rejects.toBeInstanceOf(TokenRevokedError);
    expect(requests).toHaveLength(1);
  });

  it("turns other 4xx into a per-record IntercomApiError with Intercom's code and message", async () => {
    const { http } = await clientFor([
      error(409, "conflict", "A contact matching those details already exists with id=abc"),
    ]);
    const failure = await http("POST", "/contacts", { body: { email: "a@b.c" } }).catch(
      (caught: unknown) => caught,
    );
    expect(failure).toBeInstanceOf(IntercomApiError);
    expect(failure).toMatchObject({ upstreamStatus: 409, intercomCode: "conflict", status: 502 });
    expect((failure as Error).message).toContain("id=abc");
  });

  it("puts query parameters on the URL and leaves undefined ones out", async () => {
    const { http, requests } = await clientFor([{ body: {} }]);
    await http("GET", "/contacts", { query: { per_page: 150, starting_after: undefined } });
    expect(requests[0]?.path).toBe("/contacts?per_page=150");
  });
});
