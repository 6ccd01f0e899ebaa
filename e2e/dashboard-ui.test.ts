// The admin dashboard (dist/dashboard.js) in Chromium against a fake of the connector's API.
import { resolve } from "node:path";
import type { Browser, Page, Request } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listen, type RunningServer } from "../sandbox/shared/listen";
import { WAIT_CEILING_MS } from "../test/helpers/wait";
import { createDashboardApi, XSS_SEGMENT, type DashboardApiState } from "./fixtures/dashboard-api";
import { launchChromium, type LaunchedChromium } from "./helpers/browser";

const TOKEN = "dashboard-token-123";
// Built once before the run by test/setup/build-bundles.ts.
const BUNDLE = resolve("dist/dashboard.js");

let chromium: LaunchedChromium;
let browser: Browser;
let server: RunningServer;
let state: DashboardApiState;
let page: Page;
let dialogs: string[];

beforeAll(async () => {
  chromium = await launchChromium();
  browser = chromium.browser;
});

afterAll(async () => {
  await chromium?.close();
});

beforeEach(async () => {
  const fake = createDashboardApi({ token: TOKEN, bundlePath: BUNDLE, pollMs: 150 });
  state = fake.state;
  server = await listen(fake.app);
  page = await browser.newPage({ viewport: { width: 960, height: 900 } });
  page.setDefaultTimeout(WAIT_CEILING_MS);
  dialogs = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.accept();
  });
});

afterEach(async () => {
  await page?.close();
  await server?.close();
});

async function openDashboard(query = "") {
  await page.goto(`${server.url}/admin${query}`);
  await page.getByRole("tab", { name: "Dashboard" }).waitFor();
}

async function openSettings() {
  await openDashboard();
  await page.getByRole("tab", { name: "Settings" }).click();
  await page.getByRole("button", { name: "Save changes" }).waitFor();
}

const saveButton = () => page.getByRole("button", { name: "Save changes" });

describe("the admin dashboard", () => {
  it("switches tabs with the arrow keys, Home and End, showing only the selected panel", async () => {
    await openDashboard();
    const dashboardTab = page.getByRole("tab", { name: "Dashboard" });
    const activityTab = page.getByRole("tab", { name: "Activity" });
    const settingsTab = page.getByRole("tab", { name: "Settings" });
    await dashboardTab.focus();
    await page.keyboard.press("ArrowRight");
    expect(await activityTab.getAttribute("aria-selected")).toBe("true");
    await page.locator("#panel-activity").getByText("not in a synchronized segment").waitFor();
    await page.keyboard.press("ArrowRight");
    expect(await settingsTab.getAttribute("aria-selected")).toBe("true");
    expect(await dashboardTab.getAttribute("aria-selected")).toBe("false");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Settings");
    expect(await page.locator("#panel-settings").isVisible()).toBe(true);
    expect(await page.locator("#panel-dashboard").isHidden()).toBe(true);
    await saveButton().waitFor();
    await page.screenshot({ path: "/tmp/dashboard-settings.png", fullPage: true });

    await page.keyboard.press("Home");
    expect(await dashboardTab.getAttribute("aria-selected")).toBe("true");
    await page.keyboard.press("End");
    expect(await settingsTab.getAttribute("aria-selected")).toBe("true");
    await page.keyboard.press("ArrowRight");
    expect(await dashboardTab.getAttribute("aria-selected")).toBe("true");
    expect(await dashboardTab.getAttribute("tabindex")).toBe("0");
    expect(await settingsTab.getAttribute("tabindex")).toBe("-1");
  });

  it("shows the workspace, status, fetch progress and recent errors, and keeps them fresh", async () => {
    await openDashboard();
    const panel = page.locator("#panel-dashboard");
    await panel.getByText("Acme <Support>").waitFor();
    const text = await panel.innerText();
    expect(text).toContain("Europe (EU)");
    expect(text).toContain("Ada Lovelace <ada@acme.test>");
    expect(text).toContain("Warning");
    expect(text).toContain("2 users could not be sent to Intercom.");
    expect(text).toContain("Intercom refused <b>user</b> 42: email is invalid");
    expect(text).toContain("3,000 of 12,000 contacts");
    expect(text).toContain("1,284");
    const usersProgress = page.getByRole("progressbar", { name: "Fetch all users progress" });
    expect(await usersProgress.getAttribute("aria-valuenow")).toBe("25");
    expect(await page.locator("b").count()).toBe(0);
    await page.screenshot({ path: "/tmp/dashboard-overview.png", fullPage: true });

    state.jobs[0].progress.fetched = 6000;
    await panel.getByText("6,000 of 12,000 contacts").waitFor();
    expect(await usersProgress.getAttribute("aria-valuenow")).toBe("50");
  });

  it("starts a fetch after confirmation and shows the connector's message", async () => {
    await openDashboard();
    await page.getByRole("button", { name: "Fetch all leads" }).click();
    await page.getByText("Fetching all leads from Intercom.").waitFor();
    expect(state.fetches).toEqual([{ kind: "leads" }]);
    expect(dialogs).toHaveLength(1);
    expect(dialogs[0]).toContain("This can generate a lot of traffic");
  });

  it("starts over after confirmation and then offers to connect again", async () => {
    await openDashboard();
    await page.getByRole("button", { name: "Start over" }).click();
    await page.getByRole("button", { name: "Continue with Intercom" }).waitFor();
    expect(state.disconnects).toBe(1);
    expect(dialogs[0]).toMatch(/^Start over\?/);
    expect(await page.getByRole("button", { name: "Fetch all users" }).isDisabled()).toBe(true);
  });

  it("stops polling the overview while the Settings tab is shown", async () => {
    // The page's timers run on a fake clock, at the natural pace until the test plays it forward.
    await page.clock.install();
    // Overview requests as the page starts and ends them (Playwright reports them in order).
    const overviews = { started: 0, ended: 0 };
    const isOverview = (request: Request) =>
      new URL(request.url()).pathname === "/admin/api/overview";
    page.on("request", (request) => void (isOverview(request) && (overviews.started += 1)));
    const ended = (request: Request) => void (isOverview(request) && (overviews.ended += 1));
    page.on("requestfinished", ended);
    page.on("requestfailed", ended);
    await openDashboard();
    await page.getByText("Acme <Support>").waitFor();
    const before = state.overviewCalls;
    await expect.poll(() => state.overviewCalls).toBeGreaterThan(before);
    await page.getByRole("tab", { name: "Settings" }).click();
    await saveButton().waitFor();
    // A poll under way at the switch ends on its own, and then schedules none: wait for its end.
    await expect.poll(() => overviews.started - overviews.ended).toBe(0);
    const onSettings = { page: overviews.started, server: state.overviewCalls };
    // Ten poll intervals (150 ms in this test) of page time, played at once: a poll timer would
    // fire now and start its request.
    await page.clock.runFor(10 * 150);
    // A later request of the page: once its answer is in, so is the event of any request before it.
    const marker = `${server.url}/admin?marker`;
    const answered = page.waitForResponse(marker);
    await page.evaluate((url) => fetch(url).then(() => undefined), marker);
    await answered;
    expect({ page: overviews.started, server: state.overviewCalls }).toEqual(onSettings);
  });

  it("sends only the changed settings in the PUT body and confirms the save", async () => {
    await openSettings();
    expect(await saveButton().isDisabled()).toBe(true);

    const events = page.getByLabel("Send these Hull events to Intercom");
    await events.fill("Viewed pricing");
    await events.press("Enter");
    await events.fill("Custom <event>");
    await events.press("Enter");
    await page.getByRole("button", { name: "Remove Left segment" }).click();
    await page.getByLabel("Hull overwrites Intercom").uncheck();
    await page.getByLabel("Launcher position").selectOption("left");
    expect(await saveButton().isEnabled()).toBe(true);

    await saveButton().click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    expect(state.puts).toEqual([
      {
        private_settings: {
          sync_fields_to_intercom: [{ hull: "first_name", name: "name", overwrite: false }],
          send_events: ["Entered segment", "Viewed pricing", "Custom <event>"],
          alignment: "left",
        },
      },
    ]);
    expect(await saveButton().isDisabled()).toBe(true);
  });

  it("adds an outgoing row and refuses a read-only Intercom attribute with a hint", async () => {
    await openSettings();
    await page.getByRole("button", { name: "+ Add outgoing attribute" }).click();
    const hull = page.getByLabel("Hull attribute").nth(1);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("list"))).toMatch(
      /^hull-attrs/,
    );
    await hull.fill("email");
    await page.getByLabel("Intercom attribute").nth(1).fill("id");
    const hint = page.getByText(
      '"Intercom id" is read-only in Intercom: pick a writable attribute.',
    );
    await hint.waitFor();
    await saveButton().click();
    await page.getByText("Fix the highlighted fields to save.").waitFor();
    expect(state.puts).toEqual([]);
    await page.locator(".rows-editor").first().screenshot({ path: "/tmp/dashboard-rows.png" });
    expect(await page.getByLabel("Intercom attribute").nth(1).getAttribute("aria-invalid")).toBe(
      "true",
    );

    await page.getByLabel("Intercom attribute").nth(1).fill("plan");
    expect(await hint.count()).toBe(0);
    await saveButton().click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    expect(state.puts).toEqual([
      {
        private_settings: {
          sync_fields_to_intercom: [
            { hull: "first_name", name: "name", overwrite: true },
            { hull: "email", name: "plan", overwrite: false },
          ],
        },
      },
    ]);
  });

  it("shows a 400's message at the top and its details next to the field they name", async () => {
    await openSettings();
    const incomingHull = page.locator("#panel-settings").getByLabel("Hull attribute").nth(1);
    await incomingHull.fill("has a space");
    await saveButton().click();
    await page.getByRole("alert").filter({ hasText: "Some settings are not valid" }).waitFor();
    const describedBy = (await incomingHull.getAttribute("aria-describedby")) ?? "";
    const messageId = describedBy.split(" ").at(-1);
    expect(await page.locator(`#${messageId}`).innerText()).toBe(
      "Hull attribute names cannot contain spaces.",
    );
    expect(await incomingHull.getAttribute("aria-invalid")).toBe("true");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(
      await incomingHull.getAttribute("id"),
    );
    expect(await page.getByText("Not saved").count()).toBe(1);
  });

  it("shows a segment named like HTML as text and never runs it", async () => {
    await openSettings();
    const option = page.getByLabel(XSS_SEGMENT, { exact: true });
    await option.check();
    await page.getByRole("button", { name: `Remove ${XSS_SEGMENT}` }).waitFor();
    expect(await page.locator(".chip-label", { hasText: XSS_SEGMENT }).innerText()).toBe(
      XSS_SEGMENT,
    );
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
  });

  it("says when Intercom's attributes are unknown and offers to fetch users", async () => {
    state.attributesKnown = false;
    await openSettings();
    const offers = page.getByRole("button", { name: "Fetch all users" });
    expect(await offers.count()).toBe(2);
    await offers.first().click();
    await page.getByText("Fetching all users from Intercom.").first().waitFor();
    expect(state.fetches).toEqual([{ kind: "users" }]);
  });

  it("connects through the popup and refreshes when it posts connected", async () => {
    state.connected = false;
    await openDashboard();
    const connect = page.getByRole("button", { name: "Continue with Intercom" });
    await connect.waitFor();
    expect(await page.getByText("Setup required").count()).toBe(1);
    await page.screenshot({ path: "/tmp/dashboard-connect.png", fullPage: true });

    const [popup] = await Promise.all([page.waitForEvent("popup"), connect.click()]);
    expect(new URL(popup.url()).searchParams.get("token")).toBe(TOKEN);
    await page.getByText("Intercom is connected.").waitFor();
    await page.locator("#panel-dashboard").getByText("Acme <Support>").waitFor();
    expect(await connect.count()).toBe(0);
  });

  it("asks to reopen the connector when the API answers 401", async () => {
    await openDashboard("?token=expired");
    await page
      .getByRole("alert")
      .filter({ hasText: "Your session has expired, reopen the connector from Hull" })
      .waitFor();
  });

  it("lists the records Hull refused, as text, and retries one", async () => {
    state.deadLetters = [
      {
        id: "dl-1",
        at: "2025-11-24T09:40:00Z",
        source: "fetch",
        reason: "Hull's firehose refused a batch (400): <b>bad</b> record",
        what: "traits",
        who: 'email: "poison@example.com"',
      },
    ];
    await openDashboard();
    const card = page.locator("section", { hasText: "Records Hull refused" });
    await card.getByText("<b>bad</b> record", { exact: false }).waitFor();
    expect(await card.innerText()).toContain(
      'traits for email: "poison@example.com" (from a fetch)',
    );
    expect(await card.locator("b").count()).toBe(0);
    await card.getByRole("button", { name: "Retry" }).click();
    await card.getByText("Hull took the record.").waitFor();
    expect(state.retries).toEqual(["dl-1"]);
    await card.getByText("None: Hull took every record.").waitFor();
  });

  it("fits a 360 px wide iframe", async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await openSettings();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);
    await page.screenshot({ path: "/tmp/dashboard-settings-narrow.png", fullPage: true });
  });
});
