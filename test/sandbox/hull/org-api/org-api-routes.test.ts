import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startHullSandbox, type HullSandbox } from "../../../../sandbox/hull/index.js";
import {
  hullHeaders,
  sendJson,
  startFakeConnector,
  waitFor,
  type FakeConnector,
} from "../helpers.js";

let hull: HullSandbox;
let connector: FakeConnector;
beforeAll(async () => {
  connector = await startFakeConnector();
  hull = await startHullSandbox({ connectorUrl: connector.url, notifyDelayMs: 10 });
});
afterAll(async () => {
  await hull.close();
  await connector.close();
});
beforeEach(async () => {
  await fetch(`${hull.url}/_sandbox/reset`, { method: "POST" });
  connector.received.length = 0;
});

const api = (path: string, init: RequestInit = {}, headers = hullHeaders(hull)) =>
  fetch(`${hull.url}/api/v1/${path}`, { ...init, headers });

describe("the org API", () => {
  it("returns the connector object with manifest defaults applied", async () => {
    for (const path of ["app", hull.connector.id]) {
      const response = await api(path);
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body).toMatchObject({
        id: hull.connector.id,
        name: "Intercom",
        secret: hull.connector.secret,
        type: "ship",
        source_url: `${connector.url}/`,
        index: `${connector.url}/ship.js`,
        private_settings: {
          synchronized_segments: [],
          send_events: ["Entered segment", "Left segment"],
          show_messenger: true,
          alignment: "right",
        },
        status: { status: "setupRequired" },
      });
      expect(body.id).toMatch(/^[0-9a-f]{24}$/);
    }
  });

  it("answers 401 to a wrong or missing secret and 404 to an unknown connector id", async () => {
    const wrongSecret = await api("app", {}, hullHeaders(hull, { "Hull-Access-Token": "nope" }));
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toEqual({ message: expect.any(String) });
    expect((await api("app", {}, { "Hull-App-Id": hull.connector.id } as never)).status).toBe(401);
    expect(
      (await api("app", {}, hullHeaders(hull, { "Hull-App-Id": "a".repeat(24) }))).status,
    ).toBe(404);
    expect((await api("b".repeat(24))).status).toBe(404);
    expect(
      (await api("users_segments", {}, hullHeaders(hull, { "Hull-Access-Token": "x" }))).status,
    ).toBe(401);
  });

  it("accepts the credentials in the query string too", async () => {
    const response = await fetch(
      `${hull.url}/api/v1/app?id=${hull.connector.id}&secret=${hull.connector.secret}`,
    );
    expect(response.status).toBe(200);
  });

  it("replaces private_settings on PUT and refuses a non-object with 400", async () => {
    const bad = await api(hull.connector.id, {
      method: "PUT",
      body: JSON.stringify({ private_settings: [1] }),
    });
    expect(bad.status).toBe(400);
    const badJson = await api(hull.connector.id, { method: "PUT", body: "{oops" });
    expect(badJson.status).toBe(400);
    const response = await api(hull.connector.id, {
      method: "PUT",
      body: JSON.stringify({ private_settings: { access_token: "t1" } }),
    });
    const body = await response.json();
    expect(body.private_settings.access_token).toBe("t1");
    const again = await (await api("app")).json();
    expect(again.private_settings).toMatchObject({ access_token: "t1", tag_mapping: {} });
  });

  it("behaves as minihull's PUT /:id: private_settings whole, other keys ignored", async () => {
    await api(hull.connector.id, {
      method: "PUT",
      body: JSON.stringify({ private_settings: { access_token: "t1", tag_mapping: { a: "1" } } }),
    });
    // Public settings are not written through the API (hull-client never sends them).
    await api(hull.connector.id, {
      method: "PUT",
      body: JSON.stringify({
        settings: { widget_url: "https://x.example.com" },
        private_settings: { access_token: "t2" },
      }),
    });
    const after = await (await api("app")).json();
    expect(after.settings.widget_url).toBeUndefined();
    expect(after.private_settings.access_token).toBe("t2");
    expect(after.private_settings.tag_mapping).toEqual({}); // replaced: back to the default
    // A PUT without private_settings leaves none (minihull sets them to the absent value).
    await api(hull.connector.id, { method: "PUT", body: JSON.stringify({ settings: {} }) });
    expect((await (await api("app")).json()).private_settings.access_token).toBeUndefined();
  });

  it("stores the status a connector reports and refuses unknown statuses", async () => {
    const path = `${hull.connector.id}/status`;
    expect(
      (await api(path, { method: "PUT", body: JSON.stringify({ status: "fine" }) })).status,
    ).toBe(400);
    const ok = await api(path, {
      method: "PUT",
      body: JSON.stringify({ status: "warning", messages: ["No token"] }),
    });
    expect(ok.status).toBe(200);
    expect((await (await api("app")).json()).status).toMatchObject({
      status: "warning",
      messages: ["No token"],
    });
  });

  it("lists users segments with their stats and query", async () => {
    await sendJson(`${hull.url}/_sandbox/users`, "POST", [
      { claims: { email: "a@example.com" }, attributes: { plan: "pro" } },
    ]);
    await sendJson(`${hull.url}/_sandbox/segments`, "POST", {
      name: "Pro",
      query: { plan: "pro" },
    });
    const segments = await (await api("users_segments")).json();
    expect(segments).toEqual([
      expect.objectContaining({
        name: "Pro",
        type: "users_segment",
        stats: { users: 1 },
        query: expect.any(Object),
      }),
    ]);
  });

  it("describes attributes as minihull's tree: leaves {id, text, type}, groups {text, children}", async () => {
    await sendJson(`${hull.url}/_sandbox/users`, "POST", [
      {
        claims: { email: "a@example.com" },
        attributes: { plan: "pro", "intercom/email": "a@example.com", "intercom/is_lead": false },
      },
    ]);
    const { tree } = await (await api("search/user_reports/bootstrap")).json();
    expect(tree).toContainEqual({ id: "email", text: "email", type: "string" });
    expect(tree).toContainEqual({ id: "traits_plan", text: "plan", type: "string" });
    expect(tree).toContainEqual({
      text: "intercom",
      children: [
        { id: "traits_intercom/email", text: "intercom/email", type: "string" },
        { id: "traits_intercom/is_lead", text: "intercom/is_lead", type: "boolean" },
      ],
    });
    expect(JSON.stringify(tree)).not.toContain('"key"');
  });
});

describe("extracts", () => {
  async function download(url: string, method = "GET") {
    const text = await (await fetch(url, { method })).text();
    return text.split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  it("builds a JSON-lines file for a segment's query and posts its URL to the connector", async () => {
    await sendJson(`${hull.url}/_sandbox/users`, "POST", [
      { claims: { email: "pro@example.com" }, attributes: { plan: "pro" } },
      { claims: { email: "free@example.com" }, attributes: { plan: "free" } },
    ]);
    await sendJson(`${hull.url}/_sandbox/segments`, "POST", {
      name: "Pro",
      query: { plan: "pro" },
    });
    const [segment] = await (await api("users_segments")).json();
    const response = await api("extract/user_reports", {
      method: "POST",
      body: JSON.stringify({
        query: segment.query,
        format: "json",
        url: `${connector.url}/batch?ship=x`,
        fields: [],
      }),
    });
    expect(response.status).toBe(202);
    const request = await waitFor(() => connector.received.find((item) => item.path === "/batch"));
    expect(request.body).toMatchObject({ format: "json", object_type: "user_report" });
    for (const method of ["GET", "POST"]) {
      const lines = await download(request.body.url as string, method);
      expect(lines).toEqual([
        expect.objectContaining({
          email: "pro@example.com",
          traits_plan: "pro",
          segment_ids: [segment.id],
          account: {},
        }),
      ]);
    }
  });

  it("extracts everyone for an empty query and refuses csv", async () => {
    await sendJson(`${hull.url}/_sandbox/users`, "POST", [
      { claims: { email: "a@example.com" } },
      { claims: { email: "b@example.com" } },
    ]);
    const csv = await api("extract/user_reports", {
      method: "POST",
      body: JSON.stringify({ query: {}, format: "csv", url: `${connector.url}/batch` }),
    });
    expect(csv.status).toBe(400);
    await api("extract/user_reports", {
      method: "POST",
      body: JSON.stringify({ query: {}, format: "json", url: `${connector.url}/batch` }),
    });
    const request = await waitFor(() => connector.received.find((item) => item.path === "/batch"));
    expect(await download(request.body.url as string)).toHaveLength(2);
  });

  it("are sent through /batch with the connector's credentials on a manual send", async () => {
    await sendJson(`${hull.url}/_sandbox/users`, "POST", [{ claims: { email: "a@example.com" } }]);
    const answer = await sendJson(`${hull.url}/_sandbox/notify`, "POST", {
      all: true,
      extract: true,
    });
    expect(answer.body).toMatchObject({ queued: 1, via: "batch" });
    const request = await waitFor(() => connector.received.find((item) => item.path === "/batch"));
    expect(request.query).toMatchObject({
      ship: hull.connector.id,
      secret: hull.connector.secret,
      organization: hull.organization,
    });
    expect(await download(request.body.url as string)).toEqual([
      expect.objectContaining({ email: "a@example.com" }),
    ]);
  });
});

// Sandbox controls with no Hull counterpart (POST /_sandbox/faults): `api_status` fails every
// organization API call, `api_hang` holds every one unanswered until it is cleared, so that a test
// can see what the connector does while Hull neither answers nor refuses.
describe("the organization API faults", () => {
  const faults = (body: unknown) => sendJson(`${hull.url}/_sandbox/faults`, "POST", body);
  const held = async () =>
    ((await (await fetch(`${hull.url}/_sandbox/faults`)).json()) as { api_held: number }).api_held;

  it("api_status answers every call with that status until cleared", async () => {
    expect((await faults({ api_status: 404 })).status).toBe(400);
    await faults({ api_status: 503 });
    expect((await api("app")).status).toBe(503);
    await faults({});
    expect((await api("app")).status).toBe(200);
  });

  it("api_hang holds every call unanswered until cleared, then answers it as usual", async () => {
    expect((await faults({ api_hang: "yes" })).status).toBe(400);
    expect((await faults({ api_hang: true })).body).toMatchObject({ api_hang: true, api_held: 0 });
    let answered = false;
    const call = api("app").then((response) => {
      answered = true;
      return response;
    });
    await waitFor(async () => (await held()) === 1);
    expect(answered).toBe(false);
    expect((await faults({})).body).toMatchObject({ api_hang: false });
    const response = await call;
    expect(response.status).toBe(200);
    expect((await response.json()).id).toBe(hull.connector.id);
    expect(await held()).toBe(0);
  });

  it("api_hang with api_status: a held call is answered with the status once released", async () => {
    await faults({ api_hang: true, api_status: 503 });
    const call = api("app");
    await waitFor(async () => (await held()) === 1);
    await faults({ api_status: 503 });
    expect((await call).status).toBe(503);
  });

  it("a held call whose caller gave up stops counting and is not carried out", async () => {
    await faults({ api_hang: true });
    const gaveUp = new AbortController();
    const call = api(hull.connector.id, {
      method: "PUT",
      body: JSON.stringify({ private_settings: { access_token: "given-up" } }),
      signal: gaveUp.signal,
    }).catch((error: unknown) => error);
    await waitFor(async () => (await held()) === 1);
    gaveUp.abort();
    expect(await call).toBeInstanceOf(Error);
    await waitFor(async () => (await held()) === 0);
    await faults({});
    expect((await (await api("app")).json()).private_settings.access_token).toBeUndefined();
  });

  it("/reset releases held calls", async () => {
    await faults({ api_hang: true });
    const call = api("app");
    await waitFor(async () => (await held()) === 1);
    await fetch(`${hull.url}/_sandbox/reset`, { method: "POST" });
    expect((await call).status).toBe(200);
  });
});
