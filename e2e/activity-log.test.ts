// Issue 17 in Chromium against the real connector and both stand-ins: the activity log says why a
// user was skipped and finds a person by email; the dashboard's texts say what is true now; a
// dashboard link that no longer works is a page that says what to do.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type Stack } from "../test/helpers/stack";
import { WAIT_CEILING_MS } from "../test/helpers/wait";
import { launchChromium, type LaunchedChromium } from "./helpers/browser";

let stack: Stack;
let chromium: LaunchedChromium;
let page: Page;

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

/** The dashboard link with one credential changed, as a stale or mistyped link would have it. */
function linkWith(name: string, value: string): string {
  const query = new URLSearchParams(stack.credentialsQuery);
  query.set(name, value);
  return `${stack.urls.connector}/admin?${query}`;
}

beforeAll(async () => {
  // dist/dashboard.js is built once before the run (test/setup/build-bundles.ts).
  stack = await startTestStack();
  chromium = await launchChromium();
  page = await chromium.browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.setDefaultTimeout(WAIT_CEILING_MS);
  page.on("dialog", (dialog) => void dialog.accept());
});

afterAll(async () => {
  await chromium?.close();
  await stack?.close();
});

describe("a dashboard link that no longer works", () => {
  it.each([
    ["a wrong secret", () => linkWith("secret", "not-the-secret")],
    ["an unknown connector", () => linkWith("ship", "0123456789abcdef01234567")],
    ["an expired or forged token", () => `${stack.urls.connector}/admin?token=eyJhbGciOi.x.y`],
  ])("%s opens a page saying to reopen the dashboard from Hull", async (_, link) => {
    const response = await page.goto(link());
    expect(response?.status()).toBe(401);
    expect(response?.headers()["content-type"]).toMatch(/text\/html/);
    await page.getByRole("heading", { name: "This dashboard link no longer works" }).waitFor();
    expect(await page.locator("main").innerText()).toMatch(/Open the dashboard again from Hull/);
    expect(await page.content()).not.toContain('{"error"');
  });

  it("the JSON API keeps answering JSON errors", async () => {
    const query = new URLSearchParams(stack.credentialsQuery);
    query.set("secret", "not-the-secret");
    const response = await fetch(`${stack.urls.connector}/admin/api/overview?${query}`, {
      headers: { accept: "application/json" },
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBeTruthy();
  });
});

describe("the dashboard's texts", () => {
  it("before connecting: one 'Intercom' in the header, and no 'open the dashboard' on it", async () => {
    await page.goto(stack.urls.dashboard);
    const status = page.locator("section", { has: page.getByRole("heading", { name: /^Status/ }) });
    await status.getByText("Intercom is not connected yet").waitFor();
    expect(await status.innerText()).not.toMatch(/open the dashboard/i);
    expect(await page.locator("header").innerText()).not.toMatch(/Intercom\s+Intercom/);
  });

  it("after connecting through the popup: no 'You can close this window' on the dashboard", async () => {
    const [popup] = await Promise.all([
      page.waitForEvent("popup"),
      page.getByRole("button", { name: "Continue with Intercom" }).click(),
    ]);
    await popup.getByRole("button", { name: "Authorize access" }).click();
    const result = page.locator(".card-result").filter({ hasText: "Connected to" });
    await result.waitFor();
    expect(await result.innerText()).not.toMatch(/close this window/i);
    expect(await page.locator("body").innerText()).not.toMatch(/close this window/i);
  });

  it("a finished fetch clears its 'Fetching…' text, never says 'about 0 s left', and agrees with the tiles", async () => {
    await post(`${stack.urls.intercom}/_sandbox/contacts`, { count: 450, role: "user" });
    await post(`${stack.urls.intercom}/_sandbox/faults`, {
      delay_ms: 300,
      share: 1,
      path: "/contacts/search",
    });
    await page.getByRole("button", { name: "Fetch all users" }).click();
    const message = page.getByText("Fetching all Intercom users.");
    await message.waitFor();
    const row = page.locator(".fetch-row", { hasText: "Fetch all users" });
    const summaries: string[] = [];
    // Watch the progress line until the job is done, keeping every text it showed.
    await expect
      .poll(
        async () => {
          summaries.push(await row.locator(".job-summary").innerText());
          return row.locator(".badge").innerText();
        },
        { interval: 50, timeout: WAIT_CEILING_MS },
      )
      .toBe("Done");
    expect(summaries.filter((text) => /about 0 s left/.test(text))).toEqual([]);
    // No reload: the next poll takes the start message away.
    await message.waitFor({ state: "detached" });
    const summary = await row.locator(".job-summary").innerText();
    const read = /^([\d,]+) of/.exec(summary)?.[1];
    expect(read).toBe("450");
    const tile = page.locator('[data-counter="users fetched"] dd');
    await expect.poll(() => tile.innerText()).toBe(read);
    await post(`${stack.urls.intercom}/_sandbox/faults`, {});
  });
});

describe("the activity log", () => {
  it("shows why a user was not sent, and finds the person by email", async () => {
    const seeded = (await (
      await post(`${stack.urls.hull}/_sandbox/users`, [
        { claims: { email: "skipped.sam@example.com" }, attributes: { name: "Sam" } },
        { claims: { email: "other.olga@example.com" }, attributes: { name: "Olga" } },
      ])
    ).json()) as { id: string }[];
    // Hull sends them to the connector (its "send to connector"); no segment is synchronized yet.
    await post(`${stack.urls.hull}/_sandbox/notify`, { user_ids: seeded.map(({ id }) => id) });
    await page.getByRole("tab", { name: "Activity" }).click();
    await page.getByLabel("Search").fill("skipped.sam@example.com");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    const timeline = page.getByRole("list", { name: "Activity" });
    // Hull's notification arrives in its own time: search again until it is in.
    await expect
      .poll(
        async () => {
          await page.getByRole("button", { name: "Refresh" }).click();
          return timeline.locator(".entry").count();
        },
        { interval: 250 },
      )
      .toBeGreaterThan(0);
    const entry = timeline.locator(".entry").first();
    expect(await entry.innerText()).toContain("skipped.sam@example.com");
    expect(await entry.locator(".entry-reason").innerText()).toBe(
      "Why: no synchronized segments are configured (nobody is sent)",
    );
    expect(await entry.locator(".entry-hint").innerText()).toMatch(/Synchronized segments/);
    expect(await timeline.innerText()).not.toContain("other.olga@example.com");
    // The exact time is on hover; the visible one is relative.
    expect(await entry.locator("time").getAttribute("title")).toMatch(/\d{2}:\d{2}:\d{2}/);
    expect(await entry.locator("time").innerText()).toMatch(/ago|just now/);

    // A person's name searches for everything about them.
    await page.getByLabel("Search").fill("");
    await page.getByLabel("Show").selectOption("webhook");
    await page.getByLabel("Show").selectOption("");
    await timeline.getByRole("button", { name: "skipped.sam@example.com" }).first().click();
    await expect.poll(() => page.getByLabel("Search").inputValue()).toBe("skipped.sam@example.com");
    await expect.poll(() => timeline.innerText()).not.toContain("Intercom workspace");

    // The kind filter: connection changes only.
    await page.getByLabel("Search").fill("");
    await page.getByLabel("Show").selectOption("connection");
    await timeline
      .locator(".entry")
      .first()
      .getByText(/Intercom workspace .* connected/)
      .waitFor();
    const kinds = await timeline
      .locator(".entry")
      .evaluateAll((items) => items.map((item) => item.getAttribute("data-kind")));
    expect(new Set(kinds)).toEqual(new Set(["connection"]));
  });
});
