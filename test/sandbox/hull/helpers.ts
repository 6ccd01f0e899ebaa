import Koa from "koa";
import jwt from "jsonwebtoken";
import { readJsonBody } from "../../../sandbox/shared/body.js";
import { listen, type RunningServer } from "../../../sandbox/shared/listen.js";
import type { HullSandbox } from "../../../sandbox/hull/index.js";
import { waitUntil, WAIT_CEILING_MS } from "../../helpers/wait.js";

export interface ReceivedRequest {
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

export interface FakeConnector extends RunningServer {
  received: ReceivedRequest[];
  /**
   * Decides the answer to each request (a promise holds the answer back until it settles);
   * default 200 `{flow_control: {type: "next"}}`.
   */
  respond: (
    request: ReceivedRequest,
    count: number,
  ) => { status: number; body: unknown } | Promise<{ status: number; body: unknown }>;
}

/** A tiny Koa app standing in for the connector: it records what Hull sends and answers as told. */
export async function startFakeConnector(): Promise<FakeConnector> {
  const app = new Koa();
  const fake = { received: [] as ReceivedRequest[] } as FakeConnector;
  fake.respond = () => ({ status: 200, body: { flow_control: { type: "next" } } });
  app.use(async (ctx) => {
    const request: ReceivedRequest = {
      path: ctx.path,
      query: { ...ctx.query },
      headers: { ...ctx.headers },
      body: ((await readJsonBody(ctx)) ?? {}) as Record<string, unknown>,
    };
    fake.received.push(request);
    const answer = await fake.respond(request, fake.received.length);
    ctx.status = answer.status;
    ctx.body = answer.body;
  });
  Object.assign(fake, await listen(app));
  return fake;
}

/**
 * Polls until `check` returns a value (or stops throwing), like Playwright's expect.poll; the
 * ceiling `timeoutMs` (ms) only bounds a hang (test/helpers/wait.ts).
 */
export function waitFor<T>(
  check: () => T | false | undefined | Promise<T | false | undefined>,
  timeoutMs = WAIT_CEILING_MS,
): Promise<T> {
  return waitUntil(check, { timeoutMs, intervalMs: 10 });
}

export function hullHeaders(hull: HullSandbox, overrides: Record<string, string> = {}) {
  return {
    "content-type": "application/json",
    "Hull-App-Id": hull.connector.id,
    "Hull-Access-Token": hull.connector.secret,
    "Hull-Organization": hull.organization,
    ...overrides,
  };
}

/**
 * A per-entry firehose token as hull-client signs it (lib/crypto.js: HS256 with the connector
 * secret, `iat`, and `sub` = the Hull id when the claims have one).
 */
export function userToken(
  hull: HullSandbox,
  claims: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  secret = hull.connector.secret,
): string {
  return jwt.sign(
    {
      iss: hull.connector.id,
      ...(typeof claims.id === "string" ? { sub: claims.id } : {}),
      "io.hull.asUser": claims,
      "io.hull.subjectType": "user",
      ...extra,
    },
    secret,
  );
}

export function entry(type: string, body: unknown, token: string) {
  return {
    type,
    body,
    headers: { "Hull-Access-Token": token },
    timestamp: new Date().toISOString(),
  };
}

export async function postFirehose(hull: HullSandbox, batch: unknown[]) {
  const response = await fetch(`${hull.url}/firehose`, {
    method: "POST",
    headers: hullHeaders(hull),
    body: JSON.stringify({ batch }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export interface SandboxUserView {
  id: string;
  email: string | null;
  external_id: string | null;
  anonymous_ids: string[];
  attributes: Record<string, unknown>;
  segment_ids: string[];
  events: {
    event_id: string;
    event: string;
    properties: Record<string, unknown>;
    context: Record<string, unknown>;
  }[];
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  return (await response.json()) as T;
}

export async function sendJson(url: string, method: string, body: unknown) {
  const response = await fetch(url, {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export const usersOf = (hull: HullSandbox) =>
  getJson<SandboxUserView[]>(`${hull.url}/_sandbox/users`);
