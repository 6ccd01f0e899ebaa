// The "Accounts and companies" settings (docs/adr/020) in Chromium against the fake connector API.
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listen, type RunningServer } from "../sandbox/shared/listen";
import { WAIT_CEILING_MS } from "../test/helpers/wait";
import { createDashboardApi, type DashboardApiState } from "./fixtures/dashboard-api";
import { launchChromium, type LaunchedChromium } from "./helpers/browser";

const TOKEN = "dashboard-token-123";
const BUNDLE = resolve("dist/dashboard.js");

let chromium: LaunchedChromium;
let browser: Browser;
let server: RunningServer;
let state: DashboardApiState;
let page: Page;

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
  page.on("dialog", (dialog) => void dialog.accept());
});
afterEach(async () => {
  await page?.close();
  await server?.close();
});

describe("Accounts and companies settings", () => {
  it("picks an account segment and maps an account attribute to a company attribute, then saves", async () => {
    await page.goto(`${server.url}/admin`);
    await page.getByRole("tab", { name: "Settings" }).click();
    await page.getByRole("heading", { name: "Accounts and companies" }).waitFor();
    await page.getByLabel("Enterprise accounts", { exact: true }).check();
    await page.getByRole("button", { name: "+ Add outgoing account attribute" }).click();
    const row = page.locator(".rows-editor").filter({ hasText: "Intercom attribute" }).nth(2);
    await row.getByLabel("Hull attribute").fill("plan");
    await row.getByLabel("Intercom attribute").fill("seats");
    await page.screenshot({ path: "/tmp/dashboard-accounts.png", fullPage: true });
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    expect(state.puts).toEqual([
      {
        private_settings: {
          synchronized_account_segments: ["aseg-1"],
          sync_account_fields_to_intercom: [{ hull: "plan", name: "seats", overwrite: false }],
        },
      },
    ]);
  });

  it("offers Fetch all companies on the dashboard", async () => {
    await page.goto(`${server.url}/admin`);
    await page.getByRole("button", { name: "Fetch all companies" }).click();
    await expect.poll(() => state.fetches).toEqual([{ kind: "companies" }]);
  });
});
