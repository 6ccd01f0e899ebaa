// The error model (server/errors.ts, docs/error-handling.md): each kind's HTTP answer, through the
// errors middleware, and its flow control for Hull.
import Koa from "koa";
import { describe, expect, it } from "vitest";
import { EntriesRefused } from "../../server/clients/hull/firehose";
import { IntercomApiError, TokenRevokedError } from "../../server/clients/intercom/errors";
import {
  BadRequestError,
  ConfigurationError,
  RetryableError,
  UnauthorizedError,
  UpstreamRefusedError,
  statusOf,
  toFlowControl,
} from "../../server/errors";
import { handleErrors } from "../../server/http/errors-middleware";
import { createLogger } from "../../server/log";

/** The answer the errors middleware gives for a handler that throws `error`. */
async function answerFor(error: unknown) {
  const app = new Koa();
  app.use(handleErrors(createLogger("silent")));
  app.use(() => {
    throw error;
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  try {
    const { port } = server.address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${port}/`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  } finally {
    server.close();
  }
}

const intercomConflict = () =>
  new IntercomApiError(
    409,
    "conflict",
    "A contact … already exists with id=abc",
    "POST",
    "/contacts",
  );

describe("the error model", () => {
  it.each([
    ["the caller's mistake", new BadRequestError("bad body"), 400, "next"],
    ["an unknown id", new BadRequestError("no such record", 404), 404, "next"],
    ["a bad signature", new UnauthorizedError("bad signature"), 401, "next"],
    ["Intercom refusing us", intercomConflict(), 502, "next"],
    ["Hull refusing entries", new EntriesRefused([]), 502, "next"],
    ["Hull refusing us", new UpstreamRefusedError("hull", 403, "Hull answered 403"), 502, "next"],
    ["an upstream unavailable", new RetryableError("Hull answered 503", 5000), 503, "retry"],
    ["a revoked token", new TokenRevokedError(), 503, "retry"],
    ["not connected", new ConfigurationError("Intercom is not connected"), 503, "retry"],
  ])("%s: answered %i with its message, flow control %s", async (_, error, status, flow) => {
    const answer = await answerFor(error);
    expect(answer).toEqual({ status, body: { error: error.message } });
    expect(toFlowControl(error).type).toBe(flow);
  });

  it("a bug: 500 with a generic message, retried", async () => {
    const answer = await answerFor(new TypeError("secret detail"));
    expect(answer.status).toBe(500);
    expect(JSON.stringify(answer.body)).not.toContain("secret detail");
    expect(toFlowControl(new TypeError("x"))).toMatchObject({ type: "retry" });
  });

  it("details of a caller's mistake reach the caller", async () => {
    const answer = await answerFor(new BadRequestError("invalid", 400, { field: "is wrong" }));
    expect(answer.body).toEqual({ error: "invalid", details: { field: "is wrong" } });
  });

  it("statusOf answers each kind's own status, the same for JSON, pages and the OAuth callback", () => {
    expect(statusOf(new BadRequestError("too big", 413))).toBe(413);
    expect(statusOf(new UnauthorizedError())).toBe(401);
    expect(statusOf(new UpstreamRefusedError("intercom", 400, "refused"))).toBe(502);
    // Unavailable and configuration are 503, not a 502 of an upstream's refusal.
    expect(statusOf(new RetryableError("Intercom is unreachable"))).toBe(503);
    expect(statusOf(new TokenRevokedError())).toBe(503);
    expect(statusOf(new Error("a bug"))).toBe(500);
  });

  it("a caller's mistake is a 4xx, never anything else", () => {
    expect(() => new BadRequestError("upstream", 502)).toThrow(RangeError);
  });

  it("Intercom's refusal keeps Intercom's status and code apart from ours", () => {
    const error = intercomConflict();
    expect(error).toBeInstanceOf(UpstreamRefusedError);
    expect(error).toMatchObject({ status: 502, upstreamStatus: 409, intercomCode: "conflict" });
    expect(error.alreadyExists).toBe(true);
    const other = new IntercomApiError(400, "parameter_invalid", "Name is too long", "POST", "/x");
    expect(other.alreadyExists).toBe(false);
  });
});
