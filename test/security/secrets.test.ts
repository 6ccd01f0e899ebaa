// Secrets stay secret through a whole working day: OAuth, webhooks, a fetch, the dashboard, an
// outgoing notification and a disconnect. None of them reaches a log line, a response the caller
// did not supply it in, the public settings the website sees, or dist/ship.js (DESIGN.md §7).
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import { SANDBOX_SECRET } from "../../scripts/stack";
import { HEAVY_TEST_MS } from "../helpers/wait";
import { startLoggedStack, type LoggedStack } from "./helpers/logged-stack";
import { waitFor } from "./helpers/wait-for";

let stack: LoggedStack;
let accessToken: string;
/** Every answer the connector gave in the flow: status, headers and body. */
const answers: { request: string; headers: string; body: string }[] = [];

const json = { "content-type": "application/json" };

async function connectorCall(path: string, init: RequestInit = {}) {
  const response = await fetch(`${stack.urls.connector}${path}`, { redirect: "manual", ...init });
  const body = await response.text();
  answers.push({
    request: `${init.method ?? "GET"} ${path.split("?")[0]}`,
    headers: JSON.stringify([...response.headers.entries()]),
    body,
  });
  return { status: response.status, body };
}

async function hullPrivateSettings() {
  const { id, organization, secret } = stack.hull.connector;
  const response = await fetch(`${stack.urls.hull}/api/v1/${id}`, {
    headers: { "Hull-App-Id": id, "Hull-Access-Token": secret, "Hull-Organization": organization },
  });
  return (await response.json()) as {
    settings: Record<string, unknown>;
    private_settings: Record<string, unknown>;
  };
}

function secrets(): [name: string, value: string][] {
  return [
    ["the connector secret", stack.hull.connector.secret],
    ["the Intercom client secret", stack.intercom.clientSecret],
    ["the Intercom access token", accessToken],
    ["the connector's SECRET", SANDBOX_SECRET],
  ];
}

beforeAll(async () => {
  stack = await startLoggedStack();
  const query = stack.credentialsQuery;

  // The dashboard as Hull opens it, and its token for the API calls.
  const page = await connectorCall(`/admin?${query}`);
  const token = /data-token="([^"]+)"/.exec(page.body)![1]!;
  const bearer = { authorization: `Bearer ${token}`, ...json };

  // OAuth, as a person would click through it.
  const outcome = await connectThroughOAuth(`${stack.urls.connector}/auth?${query}`);
  expect(outcome.status).toBe(200);
  accessToken = (await hullPrivateSettings()).private_settings.access_token as string;
  expect(accessToken).toBeTruthy();

  // Webhooks: a contact created in Intercom reaches Hull.
  await fetch(`${stack.urls.intercom}/_sandbox/contacts`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({
      contacts: [
        { role: "user", email: "secret-flow@example.com", external_id: "sf-1" },
        { role: "lead", email: "lead-flow@example.com" },
      ],
    }),
  });
  await waitFor(async () => {
    const users = (await (await fetch(`${stack.urls.hull}/_sandbox/users`)).json()) as unknown[];
    return users.length >= 2;
  }, "the webhooks' users in Hull");

  // The dashboard's API, settings saved, a full fetch of users and leads.
  for (const path of [
    "/admin/api/overview",
    "/admin/api/settings",
    "/admin/api/attributes",
    "/schema/user_fields",
    "/jobs",
    "/status",
  ])
    await connectorCall(path, { headers: bearer });
  const segment = (await (
    await fetch(`${stack.urls.hull}/_sandbox/segments`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ name: "Everyone", query: {} }),
    })
  ).json()) as { id: string };
  await connectorCall("/admin/api/settings", {
    method: "PUT",
    headers: bearer,
    body: JSON.stringify({
      private_settings: {
        synchronized_segments: [segment.id],
        sync_fields_to_intercom: [{ hull: "email", name: "email", overwrite: true }],
      },
    }),
  });
  for (const kind of ["users", "leads"])
    await connectorCall("/admin/api/fetch", {
      method: "POST",
      headers: bearer,
      body: JSON.stringify({ kind }),
    });
  await waitFor(async () => {
    const jobs = JSON.parse((await connectorCall("/jobs", { headers: bearer })).body) as {
      jobs: { kind: string; state: string }[];
    };
    // The settings save above also asked Hull for the new segment's members (a send-extract job).
    const fetches = jobs.jobs.filter((job) => job.kind.startsWith("fetch-"));
    return fetches.length === 2 && jobs.jobs.every((job) => job.state !== "running");
  }, "both fetches to finish");

  // Outgoing: Hull sends everyone to the connector's smart-notifier.
  await fetch(`${stack.urls.hull}/_sandbox/notify`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ all: true }),
  });
  await waitFor(async () => {
    const log = (await (await fetch(`${stack.urls.hull}/_sandbox/notifications`)).json()) as {
      outcome: string;
    }[];
    return log.some((entry) => entry.outcome === "delivered");
  }, "a delivered notification");

  // Refusals and failures log too: forged credentials, a bad signature, a bad state.
  await connectorCall(`/admin/api/overview?${query.replace(/secret=[^&]+/, "secret=forged")}`);
  await connectorCall("/intercom", { method: "POST", headers: json, body: "{}" });
  await connectorCall("/auth/callback?code=abc&state=forged");

  // And starting over: the token is revoked at Intercom.
  await connectorCall("/admin/api/disconnect", { method: "POST", headers: bearer, body: "{}" });
}, HEAVY_TEST_MS);
afterAll(() => stack?.close());

describe("secrets in the connector's logs", () => {
  it("the flow was logged in detail, so the search below means something", () => {
    const lines = stack.logLines();
    expect(lines.length).toBeGreaterThan(30);
    expect(lines.some((line) => line.includes("intercom connected"))).toBe(true);
    for (const message of ["intercom notification", "job finished", "outgoing.user.success"])
      expect(
        lines.some((line) => line.includes(`"msg":"${message}"`)),
        message,
      ).toBe(true);
  });

  it.each([0, 1, 2, 3])("never contain secret #%i of the flow", (index) => {
    const [name, value] = secrets()[index]!;
    const leaks = stack.logLines().filter((line) => line.includes(value));
    expect(leaks, `${name} was logged`).toEqual([]);
  });
});

describe("secrets in the connector's answers", () => {
  it.each([0, 1, 2, 3])("no response body or header carries secret #%i", (index) => {
    const [name, value] = secrets()[index]!;
    expect(answers.length).toBeGreaterThan(10);
    const leaks = answers.filter(
      (answer) => answer.body.includes(value) || answer.headers.includes(value),
    );
    expect(
      leaks.map((leak) => leak.request),
      `${name} was sent back`,
    ).toEqual([]);
  });

  it("keeps the access token out of the public settings that websites receive", async () => {
    await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
    const connector = await hullPrivateSettings();
    accessToken = connector.private_settings.access_token as string;
    expect(accessToken).toBeTruthy();
    expect(JSON.stringify(connector.settings)).not.toContain(accessToken);
  });
});

describe("dist/ship.js, which every website visitor downloads", () => {
  it("contains no secret and no private setting", () => {
    // Built once before the run by test/setup/build-bundles.ts.
    const bundle = readFileSync("dist/ship.js", "utf8");
    for (const [name, value] of secrets()) expect(bundle, name).not.toContain(value);
    expect(bundle).not.toMatch(/private_settings|access_token|client_secret/);
  });
});
