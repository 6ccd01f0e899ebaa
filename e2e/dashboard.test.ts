// The real dashboard of the real connector, opened as Hull opens it, against both stand-ins:
// connect Intercom through the popup, edit settings, and find them in Hull.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hullConnector, startTestStack, type Stack } from "../test/helpers/stack";
import { WAIT_CEILING_MS } from "../test/helpers/wait";
import { launchChromium, type LaunchedChromium } from "./helpers/browser";

let stack: Stack;
let chromium: LaunchedChromium;
let page: Page;
let segmentId: string;

beforeAll(async () => {
  // dist/dashboard.js is built once before the run (test/setup/build-bundles.ts).
  stack = await startTestStack();
  const response = await fetch(`${stack.urls.hull}/_sandbox/segments`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Paying customers", query: { plan: "pro" } }),
  });
  segmentId = ((await response.json()) as { id: string }).id;
  chromium = await launchChromium();
  page = await chromium.browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.setDefaultTimeout(WAIT_CEILING_MS);
  page.on("dialog", (dialog) => void dialog.accept());
});

afterAll(async () => {
  await chromium?.close();
  await stack?.close();
});

describe("the connector's dashboard, end to end", () => {
  it("connects Intercom through the popup", async () => {
    await page.goto(stack.urls.dashboard);
    const [popup] = await Promise.all([
      page.waitForEvent("popup"),
      page.getByRole("button", { name: "Continue with Intercom" }).click(),
    ]);
    await popup.getByRole("button", { name: "Authorize access" }).click();
    await page.getByText(stack.intercom.appId).first().waitFor();
    expect((await hullConnector(stack)).private_settings.intercom_workspace).toMatchObject({
      app_id: stack.intercom.appId,
    });
    await page.screenshot({ path: "/tmp/e2e-dashboard-connected.png", fullPage: true });
  });

  it("saves settings edited in the Settings tab into Hull", async () => {
    await page.getByRole("tab", { name: "Settings" }).click();
    await page.getByLabel("Paying customers", { exact: true }).check();
    await page.getByLabel("Launcher position").selectOption("left");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    const connector = await hullConnector(stack);
    expect(connector.private_settings.synchronized_segments).toEqual([segmentId]);
    expect(connector.private_settings.alignment).toBe("left"); // docs/adr/007
    await page.screenshot({ path: "/tmp/e2e-dashboard-settings.png", fullPage: true });
  });

  it("fetches all users with a progress bar, and shows the final count", async () => {
    const post = (url: string, body: unknown) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    await post(`${stack.urls.intercom}/_sandbox/contacts`, { count: 1500, role: "user" });
    // Slow pages, so that a person (and this test) sees the bar move.
    await post(`${stack.urls.intercom}/_sandbox/faults`, {
      delay_ms: 700,
      share: 1,
      path: "/contacts/search",
    });
    await page.getByRole("tab", { name: "Dashboard" }).click();
    await page.getByRole("button", { name: "Fetch all users" }).click();
    const bar = page.getByRole("progressbar", { name: "Fetch all users progress" });
    const percent = async () => Number(await bar.getAttribute("aria-valuenow"));
    await expect.poll(percent, { interval: 100 }).toBeGreaterThan(0);
    expect(await percent()).toBeLessThan(100);
    await page.screenshot({ path: "/tmp/e2e-dashboard-fetching.png", fullPage: true });
    await post(`${stack.urls.intercom}/_sandbox/faults`, {});
    await page.getByText("1,500 of 1,500 contacts").waitFor();
    expect(await bar.getAttribute("aria-valuenow")).toBe("100");
  });
});
