// Issue 17 in Chromium against the real connector and both stand-ins: the people already in a
// segment reach Intercom once it is picked and saved; the settings offer Hull's events and
// segment sizes; the demo site keeps its person across a reload.
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

async function intercomEmails(tag?: string): Promise<string[]> {
  const { contacts } = (await (await fetch(`${stack.urls.intercom}/_sandbox/contacts`)).json()) as {
    contacts: { email: string; tags: string[] }[];
  };
  return contacts
    .filter((contact) => !tag || contact.tags.includes(tag))
    .map((contact) => contact.email)
    .sort();
}

beforeAll(async () => {
  // dist/dashboard.js is built once before the run (test/setup/build-bundles.ts).
  stack = await startTestStack();
  await post(`${stack.urls.hull}/_sandbox/segments`, {
    name: "Customers",
    query: { plan: "paid" },
  });
  await post(`${stack.urls.hull}/_sandbox/users`, [
    {
      claims: { email: "ada@example.com" },
      attributes: { plan: "paid", name: "Ada Lovelace" },
      events: [{ event: "Viewed product", properties: { sku: "A1" } }],
    },
    {
      claims: { email: "grace@example.com" },
      attributes: { plan: "paid", name: "Grace Hopper" },
      events: [{ event: "Added to cart", properties: { sku: "B2" } }],
    },
  ]);
  chromium = await launchChromium();
  page = await chromium.browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.setDefaultTimeout(WAIT_CEILING_MS);
  page.on("dialog", (dialog) => void dialog.accept());
});

afterAll(async () => {
  await chromium?.close();
  await stack?.close();
});

describe("existing members of a picked segment, end to end", () => {
  it("connects Intercom", async () => {
    await page.goto(stack.urls.dashboard);
    const [popup] = await Promise.all([
      page.waitForEvent("popup"),
      page.getByRole("button", { name: "Continue with Intercom" }).click(),
    ]);
    await popup.getByRole("button", { name: "Authorize access" }).click();
    await page.getByText(stack.intercom.appId).first().waitFor();
  });

  it("offers Hull's events and shows each segment's size", async () => {
    await page.getByRole("tab", { name: "Settings" }).click();
    await page.getByRole("button", { name: "Save changes" }).waitFor();
    await page.getByLabel("Viewed product", { exact: true }).waitFor();
    await page.getByLabel("Added to cart", { exact: true }).waitFor();
    const customers = page.locator(".option").filter({ hasText: "Customers" });
    expect(await customers.locator(".option-detail").textContent()).toBe("2 users");
  });

  it("says what Save will send, and Ada and Grace reach Intercom after Save", async () => {
    expect(await intercomEmails()).toEqual([]);
    await page.getByLabel("Customers", { exact: true }).check();
    await page
      .getByText("Saving will send the 2 current members of Customers to Intercom.")
      .waitFor();
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    await page.getByText("Hull is preparing the 2 current members of Customers").waitFor();
    await expect
      .poll(() => intercomEmails("Customers"), { timeout: WAIT_CEILING_MS, interval: 200 })
      .toEqual(["ada@example.com", "grace@example.com"]);
    // The job's progress is followed in the Settings tab until it ends.
    await page.getByText("Sent 2 users to Intercom.").waitFor();
    const bar = page.getByRole("progressbar", { name: "Send current members progress" });
    expect(await bar.getAttribute("aria-valuenow")).toBe("100");
    await page.screenshot({ path: "/tmp/e2e-segment-members.png", fullPage: true });
  });

  it("sends current members again on demand", async () => {
    const button = page.getByRole("button", { name: "Send current members of Customers" });
    await button.click();
    await page.getByText("Hull is preparing the 2 current members of Customers").waitFor();
    const extracts = async () => {
      const log = (await (await fetch(`${stack.urls.hull}/_sandbox/notifications`)).json()) as {
        channel: string;
      }[];
      return log.filter((item) => item.channel === "user:extract").length;
    };
    await expect.poll(extracts, { timeout: WAIT_CEILING_MS }).toBe(2);
  });
});

describe("the demo site", () => {
  it("keeps the logged-in person across a reload", async () => {
    const demo = await chromium.browser.newPage();
    demo.setDefaultTimeout(WAIT_CEILING_MS);
    await demo.goto(`${stack.urls.hull}/demo/`);
    await demo.fill("#login-email", "ada@example.com");
    await demo.fill("#login-name", "Ada Lovelace");
    await demo.click("text=Log in");
    await demo.waitForFunction(() => document.getElementById("who")!.textContent!.includes("Ada"));
    await demo.reload();
    await demo.waitForFunction(() => document.getElementById("who")!.textContent!.includes("Ada"));
    // A logout makes the browser nobody again, also after a reload.
    await demo.click("#logout");
    await demo.waitForFunction(() => !document.getElementById("who")!.textContent!.includes("Ada"));
    await demo.reload();
    await demo.waitForFunction(() =>
      document.getElementById("who")!.textContent!.includes("An anonymous visitor"),
    );
    await demo.close();
  });
});
