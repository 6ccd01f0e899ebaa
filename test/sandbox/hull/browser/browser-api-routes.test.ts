import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startHullSandbox, type HullSandbox } from "../../../../sandbox/hull/index.js";
import { getJson, usersOf } from "../helpers.js";

let hull: HullSandbox;
let platformId: string;
beforeAll(async () => {
  hull = await startHullSandbox({ connectorUrl: "http://127.0.0.1:9", notifyDelayMs: 10 });
  platformId = (await getJson<{ platform_id: string }>(`${hull.url}/_sandbox/connector`))
    .platform_id;
});
afterAll(() => hull.close());
beforeEach(() => fetch(`${hull.url}/_sandbox/reset`, { method: "POST" }));

const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(`${hull.url}/api/v1/${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      "Hull-App-Id": platformId,
      "Hull-Anonymous-Id": "visitor-1",
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe("the browser API behind Hull.js", () => {
  it("gives the platform's deployments with public settings only", async () => {
    await fetch(`${hull.url}/_sandbox/connector/settings`, {
      method: "PUT",
      body: JSON.stringify({ private_settings: { access_token: "hidden-token" } }),
    });
    const remote = await (await call("GET", `${platformId}/remote.json`)).json();
    expect(remote.app.deployments).toEqual([
      expect.objectContaining({
        ship: expect.objectContaining({
          id: hull.connector.id,
          index: "http://127.0.0.1:9/ship.js",
        }),
        settings: { _selector: "body", _placement: "append" },
      }),
    ]);
    expect(JSON.stringify(remote)).not.toMatch(/private_settings|hidden-token|secret/);
    expect(remote.me).toBeNull();
  });

  it("answers 404 to an unknown platform and 400 without a visitor id", async () => {
    expect((await call("GET", `${"f".repeat(24)}/remote.json`)).status).toBe(404);
    expect(
      (await call("POST", "t", { event: "x" }, { "Hull-App-Id": "f".repeat(24) })).status,
    ).toBe(404);
    expect((await call("POST", "t", { event: "x" }, { "Hull-Anonymous-Id": "" })).status).toBe(400);
    expect(await usersOf(hull)).toEqual([]);
  });

  it("refuses bad track, traits and alias bodies with 400 and writes nothing", async () => {
    expect((await call("POST", "t", { properties: {} })).status).toBe(400);
    expect((await call("POST", "t", { event: "x", properties: [1] })).status).toBe(400);
    expect((await call("PUT", "me/traits", { name: "", value: 1 })).status).toBe(400);
    expect(
      (await call("PUT", "me/traits", { name: "a", operation: "push", value: 1 })).status,
    ).toBe(400);
    expect((await call("PUT", "me/traits", { name: "external_id", value: "u1" })).status).toBe(400);
    expect((await call("POST", "me/alias", {})).status).toBe(400);
    expect(await usersOf(hull)).toEqual([]);
  });

  it("maps increment to inc on traits and records tracks with a track context", async () => {
    await call("PUT", "me/traits", { name: "visits", operation: "increment", value: 2 });
    await call("POST", "t", {
      event: "Clicked",
      properties: { id: 1 },
      url: "http://site/page",
      referer: "",
    });
    const [user] = await usersOf(hull);
    expect(user).toMatchObject({ anonymous_ids: ["visitor-1"], attributes: { visits: 2 } });
    expect(user!.events[0]).toMatchObject({
      event: "Clicked",
      properties: { id: 1 },
      context: { source: "track", url: "http://site/page" },
    });
  });

  it("logs a visitor in, merging the anonymous profile into the person", async () => {
    await call("POST", "t", { event: "Browsed" });
    const me = await (
      await call("POST", "me/login", { email: "ada@example.com", external_id: "u1", name: "Ada" })
    ).json();
    expect(me).toMatchObject({
      email: "ada@example.com",
      external_id: "u1",
      name: "Ada",
      anonymous_ids: ["visitor-1"],
    });
    expect((await call("POST", "me/login", { email: "nope" })).status).toBe(400);
    const users = await usersOf(hull);
    expect(users).toHaveLength(1);
    expect(users[0]!.events.map((event) => event.event)).toEqual(["Browsed"]);
  });

  it("answers CORS preflights so Hull.js works from any site", async () => {
    const response = await fetch(`${hull.url}/api/v1/t`, {
      method: "OPTIONS",
      headers: { Origin: "http://site.example", "Access-Control-Request-Method": "POST" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://site.example");
    expect(response.headers.get("access-control-allow-headers")).toMatch(/Hull-Anonymous-Id/);
  });
});
