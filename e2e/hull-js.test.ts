import Koa from "koa";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { startHullSandbox, type HullSandbox } from "../sandbox/hull/index.js";
import { listen, type RunningServer } from "../sandbox/shared/listen.js";
import { waitUntil } from "../test/helpers/wait.js";
import { launchChromium, type LaunchedChromium } from "./helpers/browser.js";

/**
 * A stand-in ship script, served from the "connector": it registers with Hull.onEmbed while its
 * top level runs and records what Hull hands it and what the bus emits.
 */
const SHIP_JS = `(function () {
  window.__embeds = [];
  window.__events = [];
  Hull.onEmbed(function (root, deployment, hull) {
    window.__embeds.push({
      rootClass: root.className,
      rootInBody: document.body.contains(root),
      deployment: JSON.parse(JSON.stringify(deployment)),
      hasSandboxTrack: typeof hull.track === "function" && hull.track !== window.Hull.track,
    });
    Hull.on("hull.**", function (payload) {
      window.__events.push({ name: this.event, payload: JSON.parse(JSON.stringify(payload === undefined ? null : payload)) });
    });
  });
})();`;

/** The page of a website on which the connector is deployed. */
const pageHtml = (hull: HullSandbox, platformId: string) => `<!doctype html>
<html><head><title>Site</title>
<script id="hull-js-sdk" src="${hull.url}/js/hull.js" data-platform-id="${platformId}" data-org-url="${hull.url}"></script>
</head><body><h1>Site</h1></body></html>`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

interface UserView {
  id: string;
  email: string | null;
  anonymous_ids: string[];
  attributes: Record<string, unknown>;
  events: {
    event: string;
    properties: Record<string, unknown>;
    context: Record<string, unknown>;
  }[];
}

let chromium: LaunchedChromium;
let hull: HullSandbox;
let site: RunningServer;
let platformId: string;
let page: Page;

beforeAll(async () => {
  const app = new Koa();
  app.use((ctx) => {
    if (ctx.path === "/ship.js") {
      ctx.type = "application/javascript";
      ctx.body = SHIP_JS;
    } else if (ctx.path === "/site") {
      ctx.type = "text/html";
      ctx.body = pageHtml(hull, platformId);
    } else ctx.status = 404;
  });
  site = await listen(app);
  hull = await startHullSandbox({ connectorUrl: site.url, notifyDelayMs: 10 });
  platformId = (
    (await (await fetch(`${hull.url}/_sandbox/connector`)).json()) as { platform_id: string }
  ).platform_id;
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await hull?.close();
  await site?.close();
});

beforeEach(async () => {
  await fetch(`${hull.url}/_sandbox/reset`, { method: "POST" });
  await fetch(`${hull.url}/_sandbox/connector/settings`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      settings: { app_id: "abc123" },
      private_settings: { access_token: "very-secret-token" },
    }),
  });
  const context = await chromium.browser.newContext();
  page = await context.newPage();
  await page.goto(`${site.url}/site`);
  await page.waitForFunction(
    () => (window as unknown as { __embeds?: unknown[] }).__embeds?.length === 1,
  );
});

const users = async () => (await (await fetch(`${hull.url}/_sandbox/users`)).json()) as UserView[];
const events = () =>
  page.evaluate(
    () => (window as unknown as { __events: { name: string; payload: unknown }[] }).__events,
  );

function waitForUsers(check: (all: UserView[]) => boolean): Promise<UserView[]> {
  return waitUntil(
    async () => {
      const all = await users();
      return check(all) ? all : undefined;
    },
    { what: "the user store to reach the expected state", intervalMs: 25 },
  );
}

describe("Hull.js in Chromium", () => {
  it("embeds the ship once, with a deployment that carries public settings only", async () => {
    const embeds = await page.evaluate(
      () => (window as unknown as { __embeds: unknown[] }).__embeds,
    );
    expect(embeds).toHaveLength(1);
    const [embed] = embeds as {
      rootClass: string;
      rootInBody: boolean;
      deployment: Record<string, Loose>;
      hasSandboxTrack: boolean;
    }[];
    const connectorId = hull.connector.id;
    expect(embed!.rootClass).toMatch(
      new RegExp(`^ship-${connectorId} ship-deployment-[0-9a-f]{24}$`),
    );
    expect(embed!.rootInBody).toBe(true);
    expect(embed!.hasSandboxTrack).toBe(true);
    expect(embed!.deployment.ship).toMatchObject({
      id: connectorId,
      index: `${site.url}/ship.js`,
      settings: { app_id: "abc123" },
    });
    expect(embed!.deployment.settings).toMatchObject({ _selector: "body", _placement: "append" });
    expect(embed!.deployment.platform.id).toBe(platformId);
    const serialized = JSON.stringify(embed!.deployment);
    expect(serialized).not.toContain("private_settings");
    expect(serialized).not.toContain("very-secret-token");
    expect(serialized).not.toContain(hull.connector.secret);
    const scripts = await page.$$eval("script[data-hull-ship-script]", (nodes) =>
      nodes.map((node) => [
        node.getAttribute("data-hull-ship-script"),
        node.parentElement!.tagName,
      ]),
    );
    expect(scripts).toEqual([[connectorId, "HEAD"]]);
  });

  it("emits hull.track with {event, params} after a track reaches the user store", async () => {
    await page.evaluate(() => window.Hull.track("Viewed pricing", { plan: "pro" }));
    expect(await events()).toContainEqual({
      name: "hull.track",
      payload: { event: "Viewed pricing", params: { plan: "pro" } },
    });
    const [visitor] = await waitForUsers((all) => all.length === 1);
    const anonymousId = await page.evaluate(() => window.Hull.config("anonymousId"));
    expect(visitor!.anonymous_ids).toEqual([anonymousId]);
    expect(visitor!.events).toContainEqual(
      expect.objectContaining({
        event: "Viewed pricing",
        properties: { plan: "pro" },
        context: expect.objectContaining({ source: "track", url: `${site.url}/site` }),
      }),
    );
  });

  it("emits hull.traits and hull.identify for the hash form, hull.traits only for the pair form", async () => {
    await page.evaluate(() => {
      window.Hull.traits({ plan: "pro", visits: { operation: "inc", value: 2 } });
      window.Hull.traits("color", "blue");
    });
    const names = (await events()).filter((event) =>
      ["hull.traits", "hull.identify"].includes(event.name),
    );
    expect(names).toEqual([
      { name: "hull.traits", payload: { plan: "pro", visits: { operation: "inc", value: 2 } } },
      { name: "hull.identify", payload: { plan: "pro", visits: { operation: "inc", value: 2 } } },
      { name: "hull.traits", payload: { color: "blue" } },
    ]);
    const [visitor] = await waitForUsers(
      (all) => Object.keys(all[0]?.attributes ?? {}).length === 3,
    );
    expect(visitor!.attributes).toEqual({ plan: "pro", visits: 2, color: "blue" });
  });

  it("auto-tracks login and logout, stitches the visitor and starts a fresh visitor after logout", async () => {
    await page.evaluate(() => window.Hull.track("Browsed", {}));
    const firstAnonymousId = await page.evaluate(() => window.Hull.config("anonymousId") as string);
    const me = await page.evaluate(() =>
      window.Hull.login({ email: "ada@example.com", name: "Ada" }),
    );
    expect(me).toMatchObject({ email: "ada@example.com", name: "Ada" });
    expect(await page.evaluate(() => window.Hull.currentUser())).toMatchObject({
      email: "ada@example.com",
    });
    await page.evaluate(() => window.Hull.logout());
    expect(await page.evaluate(() => window.Hull.currentUser())).toBeNull();
    expect(await page.evaluate(() => window.Hull.config("anonymousId"))).not.toBe(firstAnonymousId);

    // Hull.logout() waits for its own auto-track only; the login's auto-track (started when the
    // login answered, not awaited by Hull.login()) may still be in flight: poll for its hull.track.
    const tracked = async () =>
      (await events())
        .filter((event) => event.name === "hull.track")
        .map((event) => (event.payload as { event: string }).event);
    await expect
      .poll(tracked)
      .toEqual(expect.arrayContaining(["Browsed", "hull.user.login", "hull.user.logout"]));
    const [ada] = await waitForUsers((all) =>
      all.some(
        (user) =>
          user.email === "ada@example.com" &&
          ["hull.user.login", "hull.user.logout"].every((name) =>
            user.events.some((event) => event.event === name),
          ),
      ),
    ).then((all) => all.filter((user) => user.email === "ada@example.com"));
    expect(ada!.anonymous_ids).toContain(firstAnonymousId);
    expect(ada!.events.map((event) => event.event)).toEqual([
      "Browsed",
      "hull.user.login",
      "hull.user.logout",
    ]);
  });

  it("aliases an id to the visitor through POST /api/v1/me/alias", async () => {
    await page.evaluate(() => window.Hull.alias("intercom:visitor-1"));
    const [visitor] = await waitForUsers((all) => all.length === 1);
    expect(visitor!.anonymous_ids).toContain("intercom:visitor-1");
  });
});

declare global {
  interface Window {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    Hull: any;
  }
}

describe("the demo website and the inspector", () => {
  it("lets a visitor track, set an attribute and log in on the demo site", async () => {
    await page.goto(`${hull.url}/demo/`);
    await page.waitForFunction(
      () => (window as unknown as { __embeds?: unknown[] }).__embeds?.length === 1,
    );
    await page.click("text=Add to cart");
    await page.fill("#trait-name", "favorite_roast");
    await page.fill("#trait-value", "dark");
    await page.click("text=Save attribute");
    await page.fill("#login-email", "grace@example.com");
    await page.fill("#login-name", "Grace");
    await page.click("text=Log in");
    await page.waitForFunction(() =>
      document.getElementById("who")!.textContent!.includes("Grace"),
    );
    // The click's track, the attribute, the login and the login's auto-track (sent once the login
    // answered) are separate requests: wait for every one of them, not only the login.
    const [grace] = await waitForUsers((all) =>
      all.some(
        (user) =>
          user.email === "grace@example.com" &&
          user.attributes.favorite_roast === "dark" &&
          ["Added to cart", "hull.user.login"].every((name) =>
            user.events.some((event) => event.event === name),
          ),
      ),
    ).then((all) => all.filter((user) => user.email === "grace@example.com"));
    expect(grace!.events.map((event) => event.event)).toEqual(
      expect.arrayContaining(["Added to cart", "hull.user.login"]),
    );
    // Hull.js emits hull.track (which the page lists) only when the track's answer reaches it.
    await expect.poll(() => page.textContent("#events")).toContain("hull.track");
  });

  it("shows users in the inspector with everything escaped", async () => {
    const hostile = `<img src=x onerror="window.__xss=1">`;
    await fetch(`${hull.url}/_sandbox/users`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        {
          claims: { email: "mallory@example.com" },
          attributes: { bio: hostile },
          events: [{ event: hostile, properties: {} }],
        },
      ]),
    });
    await page.goto(`${hull.url}/inspector/`);
    await page.waitForFunction(() =>
      document.getElementById("users")!.textContent!.includes("mallory@example.com"),
    );
    expect(await page.textContent("#users")).toContain(hostile);
    expect(await page.$$("#users img")).toHaveLength(0);
    expect(
      await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
    ).toBeUndefined();
  });

  it("shows accounts and account segments in the inspector, escaped", async () => {
    const hostile = `<img src=x onerror=window.__xss=2>`;
    await fetch(`${hull.url}/_sandbox/accounts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        {
          claims: { domain: "acme.test" },
          attributes: { name: hostile, tier: "gold" },
          users: [{ claims: { email: "ann@acme.test" } }],
        },
      ]),
    });
    await fetch(`${hull.url}/_sandbox/accounts_segments`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Gold accounts", query: { tier: "gold" } }),
    });
    await page.goto(`${hull.url}/inspector/`);
    await page.waitForFunction(() =>
      document.getElementById("accounts")!.textContent!.includes("Gold accounts"),
    );
    const accounts = await page.textContent("#accounts");
    expect(accounts).toContain("acme.test");
    expect(accounts).toContain("ann@acme.test");
    expect(accounts).toContain(hostile);
    expect(await page.textContent("#account-segments")).toContain("Gold accounts");
    expect(await page.$$("#accounts img")).toHaveLength(0);
    expect(
      await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
    ).toBeUndefined();
  });
});
