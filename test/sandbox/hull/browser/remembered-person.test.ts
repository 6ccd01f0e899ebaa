// Issue 17: on a fresh page load Hull.js knows no user id yet; Hull names the person it credits
// the browser (its stored anonymous id) to, so the demo site keeps its person across reloads.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startHullSandbox, type HullSandbox } from "../../../../sandbox/hull/index.js";
import { getJson } from "../helpers.js";

let hull: HullSandbox;
let platformId: string;
beforeAll(async () => {
  hull = await startHullSandbox({ connectorUrl: "http://127.0.0.1:9", notifyDelayMs: 10 });
  platformId = (await getJson<{ platform_id: string }>(`${hull.url}/_sandbox/connector`))
    .platform_id;
});
afterAll(() => hull.close());
beforeEach(() => fetch(`${hull.url}/_sandbox/reset`, { method: "POST" }));

const call = (method: string, path: string, anonymousId: string, body?: unknown) =>
  fetch(`${hull.url}/api/v1/${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      "Hull-App-Id": platformId,
      "Hull-Anonymous-Id": anonymousId,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe("remote.json's me on a page load", () => {
  it("is the person who logged in from this browser, and nobody for another browser", async () => {
    await call("POST", "me/login", "browser-1", { email: "ada@example.com", name: "Ada" });
    const reload = await (await call("GET", `${platformId}/remote.json`, "browser-1")).json();
    expect(reload.me).toMatchObject({ email: "ada@example.com", name: "Ada" });
    const other = await (await call("GET", `${platformId}/remote.json`, "browser-2")).json();
    expect(other.me).toBeNull();
  });

  it("is nobody for a browser Hull knows only anonymously, and creates no user", async () => {
    await call("POST", "t", "browser-3", { event: "Viewed product" });
    const before = await getJson<unknown[]>(`${hull.url}/_sandbox/users`);
    const remote = await (await call("GET", `${platformId}/remote.json`, "browser-3")).json();
    expect(remote.me).toBeNull();
    await call("GET", `${platformId}/remote.json`, "browser-never-seen");
    expect(await getJson<unknown[]>(`${hull.url}/_sandbox/users`)).toHaveLength(before.length);
  });
});
