// ADR 032: an Intercom webhook does not wait on a hanging Hull for longer than Intercom waits for
// it (5 s). Confirming the webhook's connector with Hull has a budget: past it, Hull's last answer
// stands in under the rules of a Hull outage, and the webhook goes on as during one; with no last
// answer it is answered 503 at once rather than after the REST client's 10 s.
//
// Nothing here is timed. The Hull stand-in holds its organization API unanswered (`api_hang`) until
// the test clears the fault, and shows how many held calls still have a caller waiting
// (`api_held`); the connector's authenticator here never gives up on a call (no timeout), so Hull
// hangs for as long as the test says. A webhook answered while Hull holds the call can only have
// been answered by the budget: without one it waits for Hull.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { Writable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import { createApp, type AppDeps } from "../../server/app";
import { createHullAuthenticator } from "../../server/clients/hull/authenticate";
import { createHullRestClient, createSettingsWriter } from "../../server/clients/hull/rest";
import type { SafeFetch } from "../../server/clients/safe-fetch";
import { createLogger } from "../../server/log";
import { conversationNotification, deliverSigned } from "../helpers/intercom-webhooks";
import { hullConnector, startTestStack, type Stack } from "../helpers/stack";

const LAST_ANSWER_LINE = "hull did not confirm the connector within the webhook's budget";

let stack: Stack;
let contactId: string;
const servers: Server[] = [];

const json = { "content-type": "application/json" };
const post = (url: string, body: unknown = {}) =>
  fetch(url, { method: "POST", headers: json, body: JSON.stringify(body) });
const faults = (body: Record<string, unknown>) => post(`${stack.urls.hull}/_sandbox/faults`, body);
/** Calls to Hull's organization API the stand-in holds with their caller still waiting. */
const held = async () =>
  ((await (await fetch(`${stack.urls.hull}/_sandbox/faults`)).json()) as { api_held: number })
    .api_held;

beforeAll(async () => {
  stack = await startTestStack();
  await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
  const created = (await (
    await post(`${stack.urls.intercom}/_sandbox/contacts`, {
      contacts: [{ role: "user", email: "auth-budget@example.com" }],
    })
  ).json()) as { ids: string[] };
  contactId = created.ids[0]!;
});

afterEach(async () => {
  await faults({});
  // Whatever a test kept reaches Hull before the next one starts: a connector whose records wait
  // in the outbox answers its new webhooks "queued" (ADR 026).
  await expect.poll(() => stack.connector.deps.outbox.size()).toBe(0);
});

afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(
    servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
  await stack?.close();
});

/**
 * The stack's connector on a port of its own with an authenticator of its own, which asks Hull on
 * every webhook (its answers lapse after 1 ms, as a minute's cache lapses), waits for Hull without
 * a timeout and remembers Hull's last answer in memory, and with the budgets given. Settings writes through it forget the
 * connector in that authenticator, as main.ts wires them. Its log lines are kept.
 * `patientUrl`: the same connector (authenticator, settings writes, log) with budgets no loaded
 * machine reaches, for the steps that need Hull's answer and a firehose write rather than the
 * budget under test: with a budget of 100 ms, a stall of the process made them `queued` or 503
 * (found in review).
 */
async function connectorWith(budgets: { webhookAuthBudgetMs: number; hullBudgetMs?: number }) {
  const neverGivesUp: SafeFetch = (url, init) => fetch(url, { ...init, signal: undefined });
  const hullAuth = createHullAuthenticator([stack.hull.organization], 1, undefined, neverGivesUp);
  const forgetting = createSettingsWriter((credentials) => hullAuth.forget(credentials));
  const lines: string[] = [];
  const logged = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  const deps: AppDeps = {
    ...stack.connector.deps,
    hullAuth,
    hullClient: (credentials) => forgetting(credentials, createHullRestClient(credentials)),
    logger: createLogger("info", logged),
    ...budgets,
  };
  const listen = async (app: AppDeps) => {
    const server = createServer(createApp(app).callback());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  };
  const url = await listen(deps);
  const patientUrl = await listen({ ...deps, webhookAuthBudgetMs: 60_000, hullBudgetMs: 120_000 });
  return { url, patientUrl, lines };
}

/** Delivers a signed conversation notification carrying `message`; answers status and body. */
async function deliver(url: string, message: string, id = `notif_${randomUUID()}`) {
  const response = await deliverSigned(
    url,
    stack.intercom.clientSecret,
    conversationNotification(stack.intercom.appId, contactId, message, { id }),
  );
  return {
    status: response.status,
    body: (await response.json()) as { outcome?: string; error?: string },
  };
}

/** How many times Hull holds an event carrying `message` on the contact's user. */
async function inHull(message: string): Promise<number> {
  const users = (await (await fetch(`${stack.urls.hull}/_sandbox/users`)).json()) as {
    email: string | null;
    events: { properties: Record<string, unknown> }[];
  }[];
  return users
    .filter((user) => user.email === "auth-budget@example.com")
    .flatMap((user) => user.events)
    .filter((event) => event.properties.message === message).length;
}

describe("an Intercom webhook while Hull's API hangs (ADR 032)", () => {
  it("is answered from Hull's last answer before Hull answers, and reaches Hull once", async () => {
    const connector = await connectorWith({ webhookAuthBudgetMs: 100, hullBudgetMs: 60_000 });
    // Hull answers: its answer is the last answer from now on.
    expect(await deliver(connector.url, "before the hang")).toMatchObject({
      status: 200,
      body: { outcome: "written" },
    });

    // Hull's API hangs; its firehose still takes data: the webhook goes on with the last answer.
    await faults({ api_hang: true });
    expect(await deliver(connector.url, "api hangs")).toMatchObject({
      status: 200,
      body: { outcome: "written" },
    });
    expect(await held()).toBeGreaterThan(0);

    // Hull as a whole is away (its API hangs, its firehose fails): the webhook is kept.
    await faults({ api_hang: true, status: 503 });
    expect(await deliver(connector.url, "hull hangs")).toMatchObject({
      status: 200,
      body: { outcome: "queued" },
    });
    // Answered while the connector's call to Hull is still unanswered: by the budget.
    expect(await held()).toBeGreaterThan(0);

    // Said once, not per webhook, and without secrets.
    const said = connector.lines.filter((line) => line.includes(LAST_ANSWER_LINE));
    expect(said).toHaveLength(1);
    expect(JSON.parse(said[0]!)).toMatchObject({
      level: 40,
      connector: stack.hull.connector.id,
      budgetMs: 100,
    });
    const logged = connector.lines.join("\n");
    expect(logged).not.toContain(stack.hull.connector.secret);
    await faults({});
    const token = (await hullConnector(stack)).private_settings.access_token;
    expect(token).toEqual(expect.any(String));
    expect(logged).not.toContain(token);
    await expect.poll(() => inHull("hull hangs")).toBe(1);
    expect(await inHull("api hangs")).toBe(1);
    expect(await inHull("before the hang")).toBe(1);
  });

  it("with no last answer, is answered 503 by the budget, and written on Intercom's retry", async () => {
    // A process that has never had Hull's answer for this connector (nothing kept either).
    const connector = await connectorWith({ webhookAuthBudgetMs: 50, hullBudgetMs: 100 });
    await faults({ api_hang: true });
    const id = `notif_${randomUUID()}`;
    const refused = await deliver(connector.url, "no last answer", id);
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatch(/Hull did not answer within 100 ms/);
    // Answered while the connector's call to Hull is still unanswered: by the budget.
    expect(await held()).toBeGreaterThan(0);
    expect(connector.lines.some((line) => line.includes(LAST_ANSWER_LINE))).toBe(false);

    // Nothing was kept or acknowledged; Intercom's retry, once Hull answers, is written.
    expect(await stack.connector.deps.outbox.size()).toBe(0);
    await faults({});
    expect(await deliver(connector.patientUrl, "no last answer", id)).toMatchObject({
      status: 200,
      body: { outcome: "written" },
    });
    await expect.poll(() => inHull("no last answer")).toBe(1);
  });

  it("does not answer from settings forgotten since a settings write", async () => {
    const connector = await connectorWith({ webhookAuthBudgetMs: 50, hullBudgetMs: 100 });
    expect(await deliver(connector.patientUrl, "before the write")).toMatchObject({
      status: 200,
      body: { outcome: "written" },
    });
    // A settings write through this connector: the answer Hull gave before it no longer stands.
    const saved = await fetch(`${connector.url}/admin/api/settings?${stack.credentialsQuery}`, {
      method: "PUT",
      headers: json,
      body: JSON.stringify({ private_settings: { send_events: ["Signed up"] } }),
    });
    expect(saved.status).toBe(200);

    await faults({ api_hang: true });
    const id = `notif_${randomUUID()}`;
    const refused = await deliver(connector.url, "after the write", id);
    expect(refused.status).toBe(503);
    expect(await held()).toBeGreaterThan(0);
    expect(connector.lines.some((line) => line.includes(LAST_ANSWER_LINE))).toBe(false);

    await faults({});
    expect(await deliver(connector.patientUrl, "after the write", id)).toMatchObject({
      status: 200,
      body: { outcome: "written" },
    });
    await expect.poll(() => inHull("after the write")).toBe(1);
  });

  it("waits for a Hull that answers within the budget, as before", async () => {
    const connector = await connectorWith({ webhookAuthBudgetMs: 60_000, hullBudgetMs: 120_000 });
    expect(await deliver(connector.url, "while hull is quick")).toMatchObject({
      status: 200,
      body: { outcome: "written" },
    });
    // Hull is slow: it answers only once the test has seen the connector's call waiting.
    await faults({ api_hang: true });
    let answered = false;
    const answer = deliver(connector.url, "while hull is slow").then((result) => {
      answered = true;
      return result;
    });
    await expect.poll(held).toBeGreaterThan(0);
    expect(answered).toBe(false);
    await faults({});
    expect(await answer).toMatchObject({ status: 200, body: { outcome: "written" } });
    expect(connector.lines.some((line) => line.includes(LAST_ANSWER_LINE))).toBe(false);
    await expect.poll(() => inHull("while hull is slow")).toBe(1);
  });
});
