// `npm run screenshots`: starts the sandbox stack on free ports with the demo data, makes some
// activity (a connection, settings, users sent and skipped, a fetch, webhooks), and saves the
// dashboard's Dashboard, Activity and Settings tabs at desktop and phone widths to
// docs/screenshots/. Needs Debian's Chromium at /usr/bin/chromium and a built dist/dashboard.js.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { connectThroughOAuth } from "../sandbox/scenarios/connect-through-oauth";
import { seedDemo } from "../sandbox/scenarios/demo";
import { startStack } from "./stack";

const OUT = resolve(import.meta.dirname, "..", "docs", "screenshots");
const VIEWPORTS = [
  { name: "desktop", width: 1200, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;

async function call(method: string, url: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: { "content-type": "application/json", accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

/** Polls `check` every 200 ms until it holds; gives up after 60 s naming `what`. */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

const dataDir = await mkdtemp(join(tmpdir(), "screenshots-"));
const stack = await startStack({ dataDir, env: { LOG_LEVEL: "silent" }, notifyDelayMs: 50 });
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
});
try {
  const { hull, intercom, connector } = stack.urls;
  const admin = (path: string) => `${connector}${path}?${stack.credentialsQuery}`;
  await seedDemo({ hullUrl: hull, intercomUrl: intercom });
  await connectThroughOAuth(`${connector}/auth?${stack.credentialsQuery}`);
  const segments = (await call("GET", `${hull}/_sandbox/segments`)) as {
    id: string;
    name: string;
  }[];
  const customers = segments.find((segment) => segment.name === "Customers")!;
  await call("PUT", admin("/admin/api/settings"), {
    private_settings: { synchronized_segments: [customers.id] },
  });
  // Everyone goes to the connector: customers are sent, trials are skipped with the reason.
  await call("POST", `${hull}/_sandbox/notify`, { all: true });
  await call("POST", admin("/admin/api/fetch"), { kind: "users" });
  await until("the fetch to finish", async () => {
    const { jobs } = (await call("GET", admin("/admin/api/overview"))) as {
      jobs: { state: string }[];
    };
    return jobs.length > 0 && jobs.every((job) => job.state === "done" || job.state === "failed");
  });
  const { contacts } = (await call("GET", `${intercom}/_sandbox/contacts`)) as {
    contacts: { id: string; role: string }[];
  };
  const first = contacts.find((contact) => contact.role === "user");
  if (first) {
    await call("POST", `${intercom}/_sandbox/webhooks`, {
      topic: "conversation.user.created",
      contact_id: first.id,
      message: "Hi! Can I change my plan?",
    });
  }
  await until("the activity to settle", async () => {
    const { entries } = (await call("GET", admin("/admin/api/activity"))) as { entries: unknown[] };
    return entries.length >= 8;
  });

  await mkdir(OUT, { recursive: true });
  for (const viewport of VIEWPORTS) {
    const page = await browser.newPage({
      viewport: { width: viewport.width, height: viewport.height },
      deviceScaleFactor: 1,
    });
    await page.goto(stack.urls.dashboard);
    await page.getByText("Sandbox Workspace").first().waitFor();
    await page.locator('[data-counter="users fetched"]').waitFor();
    await page.screenshot({ path: join(OUT, `overview-${viewport.name}.png`), fullPage: true });
    await page.getByRole("tab", { name: "Activity" }).click();
    await page.locator("#panel-activity .entry").first().waitFor();
    await page.screenshot({ path: join(OUT, `activity-${viewport.name}.png`), fullPage: true });
    await page.getByRole("tab", { name: "Settings" }).click();
    await page.getByRole("button", { name: "Save changes" }).waitFor();
    // What Hull's data fills in: segment sizes, "Send current members", Hull's event names.
    await page.locator(".option-detail").first().waitFor();
    await page.getByRole("button", { name: "Send current members of Customers" }).waitFor();
    await page.getByLabel("Viewed product", { exact: true }).waitFor();
    // The Save bar sticks to the window's bottom: a window as tall as the page puts it at the end
    // instead of across the middle of a full-page shot.
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: viewport.width, height });
    await page.screenshot({ path: join(OUT, `settings-${viewport.name}.png`) });
    await page.close();
  }
  console.log(`Saved ${VIEWPORTS.length * 3} screenshots to ${OUT}`);
} finally {
  await browser.close();
  await stack.close();
  await rm(dataDir, { recursive: true, force: true });
}
