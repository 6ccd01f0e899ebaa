import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { connectThroughOAuth } from "../sandbox/scenarios/connect-through-oauth.js";
import { hullConnector, startTestStack, type Stack } from "../test/helpers/stack.js";
import { waitUntil, WAIT_CEILING_MS } from "../test/helpers/wait.js";
import { launchChromium, type LaunchedChromium } from "./helpers/browser.js";

// ship.js (built into dist/ship.js) on the Hull stand-in's demo website, with the Intercom stand-in's
// Messenger widget, against the running connector. Each test is a new browser profile: a new person.

interface IntercomContact {
  id: string;
  role: "user" | "lead";
  email: string | null;
  external_id: string | null;
  events: { event_name: string; metadata: Record<string, unknown> }[];
}

interface HullUser {
  id: string;
  email: string | null;
  external_id: string | null;
  anonymous_ids: string[];
  attributes: Record<string, unknown>;
  events: { event: string; properties: Record<string, unknown> }[];
}

interface MessengerView {
  visitors: Array<{
    visitor_id: string;
    role: string;
    contact_id: string | null;
    email: string | null;
    attributes: Record<string, unknown>;
    events: { event_name: string; metadata: Record<string, unknown> }[];
    shut_down: boolean;
  }>;
  commands: Array<{ command: string; visitor_id: string; detail?: Record<string, unknown> }>;
}

/** The whole stack with the Intercom workspace connected, so ship.js has an app_id and region. */
async function startConnectedStack(): Promise<Stack> {
  const stack = await startTestStack();
  const outcome = await connectThroughOAuth(
    `${stack.urls.connector}/auth?${stack.credentialsQuery}`,
  );
  if (outcome.status !== 200) throw new Error(`OAuth ended with ${outcome.status}`);
  return stack;
}

const json = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;

const hullUsers = (stack: Stack) => json<HullUser[]>(`${stack.urls.hull}/_sandbox/users`);
const messengerView = (stack: Stack) =>
  json<MessengerView>(`${stack.urls.intercom}/_sandbox/messenger`);
const intercomContacts = async (stack: Stack) =>
  (await json<{ contacts: IntercomContact[] }>(`${stack.urls.intercom}/_sandbox/contacts`))
    .contacts;

/**
 * Polls `read` until `check` accepts its value, under the shared ceiling (test/helpers/wait.ts);
 * fails with the last value.
 */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  let last: T | undefined;
  const accepted = await waitUntil(async () => {
    last = await read();
    return check(last);
  }).catch(() => false);
  if (!accepted)
    throw new Error(
      `never reached the expected state; last: ${JSON.stringify(last).slice(0, 1500)}`,
    );
  return last as T;
}

/** The Messenger's visitor id in the page, once the widget has booted. */
async function visitorIdIn(page: Page, other?: string): Promise<string> {
  const handle = await page.waitForFunction(
    (previous) => {
      const intercom = (window as unknown as { Intercom?: (command: string) => unknown }).Intercom;
      const id = typeof intercom === "function" ? intercom("getVisitorId") : undefined;
      return typeof id === "string" && id !== previous ? id : null;
    },
    other ?? null,
    { timeout: WAIT_CEILING_MS },
  );
  return (await handle.jsonValue()) as string;
}

interface OpenedSite {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors of the page: ship.js must never add any. */
  pageErrors: string[];
  /** Every POST /api/v1/me/alias the page sent. */
  aliasRequests: string[];
}

/** A fresh browser profile (a new person) on the demo site. */
async function openDemo(
  newContext: () => Promise<BrowserContext>,
  stack: Stack,
  prepare?: (context: BrowserContext) => Promise<void>,
): Promise<OpenedSite> {
  const context = await newContext();
  await prepare?.(context);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  const aliasRequests: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/api/v1/me/alias")) {
      aliasRequests.push(request.postData() ?? "");
    }
  });
  await page.goto(stack.urls.demo);
  return { context, page, pageErrors, aliasRequests };
}

async function logIn(page: Page, email: string, name: string): Promise<void> {
  await page.fill("#login-email", email);
  await page.fill("#login-name", name);
  await page.click("#login-form button[type=submit]");
  await page.waitForFunction(
    (who) => document.getElementById("who")!.textContent!.includes(who),
    name,
  );
}

let stack: Stack;
let chromium: LaunchedChromium;
const contexts: BrowserContext[] = [];
const newContext = async () => {
  const context = await chromium.browser.newContext();
  contexts.push(context);
  return context;
};

beforeAll(async () => {
  stack = await startConnectedStack();
  chromium = await launchChromium();
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});
afterAll(async () => {
  await chromium?.close();
  await stack?.close();
});

const sessionOf = async (visitorId: string) =>
  (await messengerView(stack)).visitors.find((visitor) => visitor.visitor_id === visitorId);

describe("ship.js on the demo website, with the Messenger stand-in", () => {
  it("boots the Messenger once with the connected workspace, its region and the sandbox widget", async () => {
    const { page, pageErrors } = await openDemo(newContext, stack);
    const visitorId = await visitorIdIn(page);
    const settings = await page.evaluate(
      () => (window as unknown as { intercomSettings: Record<string, unknown> }).intercomSettings,
    );
    expect(settings).toMatchObject({
      app_id: stack.intercom.appId,
      api_base: "https://api-iam.intercom.io",
      installation_type: "npm-package",
      hide_default_launcher: false,
      alignment: "right",
    });
    const loaders = await page.$$eval("script#_intercom_npm_loader", (nodes) =>
      nodes.map((node) => node.getAttribute("src")),
    );
    expect(loaders).toEqual([`${stack.urls.intercom}/widget/${stack.intercom.appId}`]);
    // The widget knows its visitor id before its boot ping reaches the stand-in: wait for the ping.
    const bootsOf = (view: Awaited<ReturnType<typeof messengerView>>) =>
      view.commands.filter(
        (command) => command.visitor_id === visitorId && command.command === "boot",
      );
    const view = await eventually(
      () => messengerView(stack),
      (current) => bootsOf(current).length > 0,
    );
    expect(bootsOf(view)).toHaveLength(1);
    expect(await page.isVisible("#intercom-sandbox-launcher")).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it("follows the connector's settings: region, hidden launcher and alignment", async () => {
    // The workspace region and the Messenger options live in private_settings and reach ship.js
    // through the connector's /ship/settings (docs/adr/007). A person in Hull's UI changes them.
    const workspace = (await hullConnector(stack)).private_settings.intercom_workspace as Record<
      string,
      unknown
    >;
    const served = () =>
      json<Record<string, unknown>>(
        `${stack.urls.connector}/ship/settings?ship=${stack.hull.connector.id}`,
      );
    const setPrivate = async (privateSettings: Record<string, unknown>) => {
      await fetch(`${stack.urls.hull}/_sandbox/connector/settings`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ private_settings: privateSettings }),
      });
      // Hull's ship:update makes the connector drop its copy; wait until it serves the change.
      await eventually(served, (value) =>
        Object.entries({
          show_messenger: privateSettings.show_messenger,
          alignment: privateSettings.alignment,
        }).every(([key, wanted]) => value[key] === wanted),
      );
    };
    await setPrivate({
      intercom_workspace: { ...workspace, region: "EU" },
      show_messenger: false,
      alignment: "left",
    });
    try {
      const { page, pageErrors } = await openDemo(newContext, stack);
      await visitorIdIn(page);
      const settings = await page.evaluate(
        () => (window as unknown as { intercomSettings: Record<string, unknown> }).intercomSettings,
      );
      expect(settings).toMatchObject({
        api_base: "https://api-iam.eu.intercom.io",
        hide_default_launcher: true,
        alignment: "left",
      });
      expect(await page.isVisible("#intercom-sandbox-launcher")).toBe(false);
      // Hidden launcher, but the page can still open the Messenger.
      await page.evaluate(() =>
        (window as unknown as { Intercom(c: string): void }).Intercom("show"),
      );
      expect(await page.isVisible("#intercom-sandbox-panel")).toBe(true);
      expect(pageErrors).toEqual([]);
    } finally {
      await setPrivate({ intercom_workspace: workspace, show_messenger: true, alignment: "right" });
    }
  });

  it("mirrors site events with their names and metadata, and not Hull's own hull.* events", async () => {
    const { page } = await openDemo(newContext, stack);
    const visitorId = await visitorIdIn(page);
    await page.click("button[data-event='Viewed product']");
    await page.click("button[data-event='Added to cart']");
    await logIn(page, "grace@example.com", "Grace");
    // Hull tracked its own login event (and fired hull.track for it) before this click.
    await eventually(
      () => hullUsers(stack),
      (users) =>
        users.some(
          (user) =>
            user.email === "grace@example.com" &&
            user.events.some((event) => event.event === "hull.user.login"),
        ),
    );
    await page.click("button[data-event='Started checkout']");
    const session = await eventually(
      () => sessionOf(visitorId),
      (found) => found?.events.some((event) => event.event_name === "Started checkout") ?? false,
    );
    expect(session!.events.map(({ event_name, metadata }) => ({ event_name, metadata }))).toEqual([
      { event_name: "Viewed product", metadata: { product: "Ethiopia Guji", price: 14 } },
      { event_name: "Added to cart", metadata: { product: "Ethiopia Guji", quantity: 1 } },
      { event_name: "Started checkout", metadata: { total: 14 } },
    ]);
    // Once Grace is known, her events also land on her Intercom user.
    const grace = (await intercomContacts(stack)).find((c) => c.email === "grace@example.com");
    expect(grace).toMatchObject({ role: "user" });
    expect(grace!.events.map((event) => event.event_name)).toEqual(["Started checkout"]);
  });

  it("mirrors traits as Messenger updates, unwrapping the value", async () => {
    const { page } = await openDemo(newContext, stack);
    const visitorId = await visitorIdIn(page);
    await page.fill("#trait-name", "favorite_roast");
    await page.fill("#trait-value", "light");
    await page.click("#traits-form button[type=submit]");
    await page.evaluate(() =>
      (window as unknown as { Hull: { traits(name: string, value: unknown): void } }).Hull.traits(
        "cups_per_day",
        { value: 3, operation: "set" },
      ),
    );
    const session = await eventually(
      () => sessionOf(visitorId),
      (found) => found?.attributes.cups_per_day === 3,
    );
    expect(session!.attributes).toMatchObject({ favorite_roast: "light", cups_per_day: 3 });
    const updates = (await messengerView(stack)).commands.filter(
      (command) => command.visitor_id === visitorId && command.command === "update",
    );
    // One update per traits call, although Hull.js emits hull.traits and hull.identify for a hash.
    expect(updates.map((update) => update.detail)).toEqual([
      { favorite_roast: "light" },
      { favorite_roast: "light", cups_per_day: 3 },
    ]);
  });

  // Issue 15 class 3: the browser types values by the rule the server shares
  // (common/intercom-typing.ts): dates only under date keys, in seconds; nested keys joined by "_".
  it("types traits and event metadata by the shared rule: dates under date keys only, in seconds", async () => {
    const { page } = await openDemo(newContext, stack);
    const visitorId = await visitorIdIn(page);
    await page.evaluate(() => {
      const hull = (
        window as unknown as {
          Hull: {
            traits(hash: Record<string, unknown>): void;
            track(event: string, params: Record<string, unknown>): void;
          };
        }
      ).Hull;
      hull.traits({ birthday: "1990-05-17T00:00:00Z", renewal_at: 1717243200000 });
      hull.track("Order shipped", { ship_date: 1717243200000, order: { id: 7 } });
    });
    const session = await eventually(
      () => sessionOf(visitorId),
      (found) =>
        found?.attributes.renewal_at !== undefined &&
        (found?.events.some((event) => event.event_name === "Order shipped") ?? false),
    );
    expect(session!.attributes).toMatchObject({
      birthday: "1990-05-17T00:00:00Z",
      renewal_at: 1717243200,
    });
    const shipped = session!.events.find((event) => event.event_name === "Order shipped");
    expect(shipped!.metadata).toEqual({ ship_date: 1717243200, order_id: 7 });
  });

  it("aliases the visitor id into the Hull profile once: a reload does not alias again", async () => {
    const { page, aliasRequests } = await openDemo(newContext, stack);
    const visitorId = await visitorIdIn(page);
    const anonymousId = await page.evaluate(() =>
      (window as unknown as { Hull: { config(key: string): string } }).Hull.config("anonymousId"),
    );
    const [visitor] = await eventually(
      async () =>
        (await hullUsers(stack)).filter((user) => user.anonymous_ids.includes(anonymousId)),
      (found) => found[0]?.anonymous_ids.includes(`intercom:${visitorId}`) ?? false,
    );
    expect(visitor!.anonymous_ids).toEqual([anonymousId, `intercom:${visitorId}`]);
    // Playwright reports the request a little after Hull has stored it.
    await eventually(
      async () => aliasRequests.length,
      (count) => count > 0,
    );
    expect(aliasRequests).toEqual([JSON.stringify({ anonymous_id: `intercom:${visitorId}` })]);
    // ship.js remembers the visitor once Hull has answered the alias, a little after the request:
    // reloading before that would rightly alias again.
    await page.waitForFunction(
      (id) => (localStorage.getItem("hull-intercom:aliased-visitors") ?? "").includes(id),
      visitorId,
      { timeout: WAIT_CEILING_MS },
    );

    // The reloaded page runs on a fake clock, so its alias schedule is played out, not waited for.
    await page.clock.install();
    await page.reload();
    expect(await visitorIdIn(page)).toBe(visitorId);
    // Past the whole schedule (about 16 s of page time, DEFAULT_ALIAS_DELAYS in
    // client/alias-visitor.ts) every alias attempt has run; the id being known, the first one
    // found it remembered, and any alias would have been sent by now.
    await page.clock.runFor(20_000);
    // A later request of the same page: once its answer is in, the request event of an alias
    // sent before it is in too.
    const marker = page.waitForResponse((response) => response.url().endsWith("/api/v1/me"), {
      timeout: WAIT_CEILING_MS,
    });
    await page.evaluate(() =>
      (window as unknown as { Hull: { api(path: string): Promise<unknown> } }).Hull.api("me"),
    );
    await marker;
    expect(aliasRequests).toHaveLength(1);
  });

  it("shuts the Messenger down on logout, so the next person on the browser is a new visitor", async () => {
    const { page, pageErrors } = await openDemo(newContext, stack);
    const firstVisitor = await visitorIdIn(page);
    await logIn(page, "ada@example.com", "Ada");
    await eventually(
      () => sessionOf(firstVisitor),
      (found) => found?.email === "ada@example.com",
    );
    expect(await page.textContent("#intercom-sandbox-who")).toContain("Ada");
    // ship.js aliases the visitor id into Hull on its own schedule (retries up to ~16 s while the
    // widget loads) and a logout cancels a pending attempt: wait until Ada holds it, so the
    // assertions about her below do not depend on whether the attempt beat the logout.
    await eventually(
      () => hullUsers(stack),
      (users) =>
        users.some(
          (user) =>
            user.email === "ada@example.com" &&
            user.anonymous_ids.includes(`intercom:${firstVisitor}`),
        ),
    );

    await page.click("#logout");
    const secondVisitor = await visitorIdIn(page, firstVisitor);
    expect(secondVisitor).not.toBe(firstVisitor);
    expect(await page.textContent("#intercom-sandbox-who")).toBe(`Visitor ${secondVisitor}`);
    // The page has the new visitor id before the widget's shutdown and boot pings (sent one after
    // the other) reach the stand-in: wait for the boot, then check the order.
    const orderIn = (current: Awaited<ReturnType<typeof messengerView>>) =>
      current.commands
        .filter((command) => [firstVisitor, secondVisitor].includes(command.visitor_id))
        .map((command) => `${command.command}:${command.visitor_id === firstVisitor ? 1 : 2}`);
    const view = await eventually(
      () => messengerView(stack),
      (current) => orderIn(current).includes("boot:2"),
    );
    const order = orderIn(view);
    expect(order).toEqual(expect.arrayContaining(["shutdown:1", "boot:2"]));
    expect(order.indexOf("shutdown:1")).toBeLessThan(order.indexOf("boot:2"));
    expect(view.visitors.find((visitor) => visitor.visitor_id === secondVisitor)).toMatchObject({
      role: "visitor",
      email: null,
    });

    // The new visitor belongs to the new anonymous Hull profile, not to Ada.
    const users = await eventually(
      () => hullUsers(stack),
      (all) => all.some((user) => user.anonymous_ids.includes(`intercom:${secondVisitor}`)),
    );
    const owner = users.find((user) => user.anonymous_ids.includes(`intercom:${secondVisitor}`));
    expect(owner!.email).toBeNull();
    const ada = users.find((user) => user.email === "ada@example.com");
    expect(ada!.anonymous_ids).toContain(`intercom:${firstVisitor}`);
    expect(ada!.anonymous_ids).not.toContain(`intercom:${secondVisitor}`);

    // A second person logs in on the same browser: their own Intercom user, on the new visitor.
    await logIn(page, "bob@example.com", "Bob");
    await eventually(
      () => sessionOf(secondVisitor),
      (found) => found?.email === "bob@example.com",
    );
    const contacts = await intercomContacts(stack);
    expect(
      contacts.filter((c) => ["ada@example.com", "bob@example.com"].includes(c.email ?? "")),
    ).toHaveLength(2);
    expect(pageErrors).toEqual([]);
  });

  it("keeps each person's calls apart when they log out before the widget has loaded", async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const { page, pageErrors } = await openDemo(newContext, stack, async (context) => {
      await context.route("**/widget/**", async (route) => {
        await held;
        await route.continue();
      });
    });
    await page.waitForSelector("script#_intercom_npm_loader", { state: "attached" });
    await logIn(page, "early@example.com", "Early");
    await page.click("button[data-event='Viewed product']");
    await page.click("#logout");
    await page.waitForFunction(() =>
      document.getElementById("who")!.textContent!.includes("anonymous"),
    );
    await page.click("button[data-event='Subscribed to newsletter']");
    // Both people's calls wait in the SDK's queue until the widget arrives.
    release();
    const secondVisitor = await visitorIdIn(page);
    const view = await eventually(
      () => messengerView(stack),
      (current) =>
        current.visitors.some(
          (visitor) =>
            visitor.visitor_id === secondVisitor &&
            visitor.events.some((event) => event.event_name === "Subscribed to newsletter"),
        ),
    );
    const early = view.visitors.find((visitor) => visitor.email === "early@example.com")!;
    expect(early.visitor_id).not.toBe(secondVisitor);
    expect(early.shut_down).toBe(true);
    expect(early.events.map((event) => event.event_name)).toEqual(["Viewed product"]);
    expect(view.visitors.find((visitor) => visitor.visitor_id === secondVisitor)).toMatchObject({
      role: "visitor",
      email: null,
      events: [expect.objectContaining({ event_name: "Subscribed to newsletter" })],
    });
    expect(pageErrors).toEqual([]);
  });

  it("breaks nothing on the site when Intercom's widget fails to load", async () => {
    const { page, pageErrors } = await openDemo(newContext, stack, async (context) => {
      await context.route("**/widget/**", (route) => route.abort());
    });
    const anonymousId = await page.evaluate(() =>
      (
        window as unknown as { Hull: { ready(): Promise<unknown>; config(k: string): string } }
      ).Hull.ready().then(() => window.Hull.config("anonymousId")),
    );
    await page.click("button[data-event='Viewed product']");
    await page.fill("#trait-name", "favorite_roast");
    await page.fill("#trait-value", "dark");
    await page.click("#traits-form button[type=submit]");
    await logIn(page, "failing-widget@example.com", "Fay");
    const users = await eventually(
      () => hullUsers(stack),
      (all) =>
        all.some(
          (user) =>
            user.email === "failing-widget@example.com" &&
            user.attributes.favorite_roast === "dark" &&
            user.events.some((event) => event.event === "Viewed product"),
        ),
    );
    expect(
      users.find((user) => user.email === "failing-widget@example.com")!.anonymous_ids,
    ).toContain(anonymousId);
    // The SDK's stub still queues the calls; nothing reached the Messenger stand-in.
    const queued = await page.evaluate(
      () => ((window as unknown as { Intercom: { q?: unknown[] } }).Intercom.q ?? []).length,
    );
    expect(queued).toBeGreaterThan(0);
    expect(await page.isVisible("#intercom-sandbox")).toBe(false);
    expect(pageErrors).toEqual([]);
  });
});

describe("the full loop: web visitor → Intercom lead → the same Hull profile", () => {
  it("stitches a visitor who gives their email in the Messenger to their web activity in Hull", async () => {
    const { page, pageErrors } = await openDemo(newContext, stack);
    const visitorId = await visitorIdIn(page);
    const anonymousId = await page.evaluate(() =>
      (window as unknown as { Hull: { config(key: string): string } }).Hull.config("anonymousId"),
    );
    await page.click("button[data-event='Viewed product']");
    await eventually(
      () => hullUsers(stack),
      (users) =>
        users.some(
          (user) =>
            user.anonymous_ids.includes(`intercom:${visitorId}`) &&
            user.events.some((event) => event.event === "Viewed product"),
        ),
    );

    // In the Messenger: open it and leave an email, as a visitor asking a question would.
    await page.click("#intercom-sandbox-launcher");
    await page.fill("#intercom-sandbox-email", "lead@example.com");
    await page.click("#intercom-sandbox-email-form button[type=submit]");
    await page.waitForFunction(() =>
      document.getElementById("intercom-sandbox-note")!.textContent!.includes("lead@example.com"),
    );

    // Intercom has a lead whose external_id is the visitor id...
    const lead = (await intercomContacts(stack)).find(
      (contact) => contact.email === "lead@example.com",
    )!;
    expect(lead).toMatchObject({ role: "lead", external_id: visitorId });

    // ...whose webhook reached the connector, which wrote it onto the web visitor's Hull profile.
    const users = await eventually(
      () => hullUsers(stack),
      (all) =>
        all.some(
          (user) =>
            user.anonymous_ids.includes(`intercom:${visitorId}`) &&
            user.attributes["intercom/is_lead"] === true,
        ),
    );
    const stitched = users.filter((user) => user.anonymous_ids.includes(`intercom:${visitorId}`));
    expect(stitched).toHaveLength(1);
    const [profile] = stitched;
    expect(profile!.anonymous_ids).toEqual(
      expect.arrayContaining([anonymousId, `intercom:${visitorId}`, `intercom:${lead.id}`]),
    );
    expect(profile!.email).toBe("lead@example.com");
    expect(profile!.events.map((event) => event.event)).toContain("Viewed product");
    expect(users.filter((user) => user.anonymous_ids.includes(anonymousId))).toHaveLength(1);

    // Site events after that reach the lead in Intercom too.
    await page.click("button[data-event='Added to cart']");
    const withEvent = await eventually(
      () => intercomContacts(stack),
      (contacts) =>
        contacts.some(
          (contact) =>
            contact.id === lead.id &&
            contact.events.some(
              (event: { event_name: string }) => event.event_name === "Added to cart",
            ),
        ),
    );
    expect(withEvent.find((contact) => contact.id === lead.id)!.events).toMatchObject([
      { event_name: "Added to cart", metadata: { product: "Ethiopia Guji", quantity: 1 } },
    ]);
    expect(pageErrors).toEqual([]);
  });

  it("turns a visitor who writes in the Messenger into a lead whose conversation lands on their web profile", async () => {
    const { page, pageErrors } = await openDemo(newContext, stack);
    const visitorId = await visitorIdIn(page);
    await page.click("button[data-event='Started checkout']");
    await page.click("#intercom-sandbox-launcher");
    await page.fill("#intercom-sandbox-message", "Do you ship to Lyon?");
    await page.click("#intercom-sandbox-message-form button[type=submit]");
    // The page's "Started checkout" goes straight to Hull, on its own request: the conversation
    // (which reaches Hull through Intercom's webhook, after the lead's) does not imply it landed.
    const users = await eventually(
      () => hullUsers(stack),
      (all) =>
        all.some(
          (user) =>
            user.anonymous_ids.includes(`intercom:${visitorId}`) &&
            ["Started checkout", "User started conversation"].every((name) =>
              user.events.some((event) => event.event === name),
            ),
        ),
    );
    const stitched = users.filter((user) => user.anonymous_ids.includes(`intercom:${visitorId}`));
    expect(stitched).toHaveLength(1);
    expect(stitched[0]!.attributes["intercom/is_lead"]).toBe(true);
    expect(stitched[0]!.events.map((event) => event.event)).toEqual(
      expect.arrayContaining(["Started checkout", "User started conversation"]),
    );
    const conversation = stitched[0]!.events.find(
      (event) => event.event === "User started conversation",
    )!;
    expect(JSON.stringify(conversation.properties)).toContain("Do you ship to Lyon?");
    expect(pageErrors).toEqual([]);
  });
});
