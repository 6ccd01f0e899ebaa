// The real dashboard in Chromium, fed with names chosen by whoever can write to Hull or Intercom:
// segment names, attribute names, event names. They show as text, and nothing in them runs.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../sandbox/scenarios/connect-through-oauth";
import { startTestStack, type Stack } from "../test/helpers/stack";
import { WAIT_CEILING_MS } from "../test/helpers/wait";
import { launchChromium, type LaunchedChromium } from "./helpers/browser";

const PAYLOADS = {
  segment: "<img src=x onerror=window.__xss=1>",
  attribute: "<svg onload=window.__xss=2>",
  event: '"><script>window.__xss=3</script>',
  customAttribute: "<iframe srcdoc='<script>parent.__xss=4</script>'>",
  mappedAttribute: "<a href=javascript:window.__xss=5 id=xss-link>x</a>",
};

let stack: Stack;
let chromium: LaunchedChromium;
let page: Page;
const dialogs: string[] = [];
const pageErrors: string[] = [];

const json = { "content-type": "application/json" };
const post = (url: string, body: unknown, method = "POST") =>
  fetch(url, { method, headers: json, body: JSON.stringify(body) });

/** What an injected payload would have left behind, counted in the live page. */
const injected = () =>
  page.evaluate(() => ({
    xss: (window as unknown as { __xss?: unknown }).__xss,
    images: document.querySelectorAll('img[src="x"]').length,
    svgs: document.querySelectorAll("svg[onload]").length,
    iframes: document.querySelectorAll("iframe").length,
    scripts: [...document.scripts].filter((script) => !script.src).length,
    links: document.querySelectorAll("#xss-link, a[href^='javascript:']").length,
  }));

const clean = { xss: undefined, images: 0, svgs: 0, iframes: 0, scripts: 0, links: 0 };

beforeAll(async () => {
  // dist/dashboard.js is built once before the run (test/setup/build-bundles.ts).
  stack = await startTestStack();
  await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
  await post(`${stack.urls.hull}/_sandbox/segments`, { name: PAYLOADS.segment, query: {} });
  await post(`${stack.urls.hull}/_sandbox/users`, [
    {
      claims: { email: "xss@example.com" },
      attributes: { [PAYLOADS.attribute]: "value", [`traits_${PAYLOADS.mappedAttribute}`]: 1 },
      events: [{ event: PAYLOADS.event, properties: { [PAYLOADS.attribute]: PAYLOADS.segment } }],
    },
  ]);
  await post(
    `${stack.urls.hull}/_sandbox/connector/settings`,
    {
      private_settings: {
        send_events: [PAYLOADS.event],
        custom_attributes: [PAYLOADS.customAttribute],
        sync_fields_to_intercom: [
          { hull: PAYLOADS.attribute, name: PAYLOADS.mappedAttribute, overwrite: true },
        ],
        sync_fields_to_hull: [{ name: PAYLOADS.customAttribute, hull: PAYLOADS.attribute }],
      },
    },
    "PUT",
  );
  chromium = await launchChromium();
  page = await chromium.browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.setDefaultTimeout(WAIT_CEILING_MS);
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
});

afterAll(async () => {
  await chromium?.close();
  await stack?.close();
});

describe("names with HTML and script in the real dashboard", () => {
  it("shows the Dashboard tab with nothing executed or injected", async () => {
    await page.goto(stack.urls.dashboard);
    await page.getByText(stack.intercom.appId).first().waitFor();
    expect(await injected()).toEqual(clean);
    expect(dialogs).toEqual([]);
  });

  it("shows the payloads as text in the Settings tab, with nothing executed or injected", async () => {
    await page.getByRole("tab", { name: "Settings" }).click();
    await page.getByRole("button", { name: "Save changes" }).waitFor();
    // The segment and the event appear as the literal text people typed.
    await page.getByText(PAYLOADS.segment, { exact: true }).first().waitFor();
    await page.getByText(PAYLOADS.event, { exact: true }).first().waitFor();
    expect(await injected()).toEqual(clean);
  });

  it("still runs nothing after the segment is chosen, saved and shown again", async () => {
    await page.getByLabel(PAYLOADS.segment, { exact: true }).check();
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    await page.getByRole("tab", { name: "Dashboard" }).click();
    await page.getByRole("tab", { name: "Settings" }).click();
    await page.getByText(PAYLOADS.segment, { exact: true }).first().waitFor();
    expect(await injected()).toEqual(clean);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
