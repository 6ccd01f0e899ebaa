// Drives the demo website with ship.js and the Messenger stand-in, and reads both stand-ins' state.
import type { BrowserContext, Page } from "playwright-core";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth.js";
import { startTestStack, type Stack } from "../../test/helpers/stack.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

export interface HullUser {
  id: string;
  email: string | null;
  external_id: string | null;
  anonymous_ids: string[];
  attributes: Record<string, unknown>;
  events: { event: string; properties: Record<string, unknown> }[];
}

export interface MessengerView {
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
export async function startConnectedStack(): Promise<Stack> {
  const stack = await startTestStack();
  const outcome = await connectThroughOAuth(
    `${stack.urls.connector}/auth?${stack.credentialsQuery}`,
  );
  if (outcome.status !== 200) throw new Error(`OAuth ended with ${outcome.status}`);
  return stack;
}

const json = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;

export const hullUsers = (stack: Stack) => json<HullUser[]>(`${stack.urls.hull}/_sandbox/users`);
export const messengerView = (stack: Stack) =>
  json<MessengerView>(`${stack.urls.intercom}/_sandbox/messenger`);
export const intercomContacts = async (stack: Stack) =>
  (await json<{ contacts: Loose[] }>(`${stack.urls.intercom}/_sandbox/contacts`)).contacts;

/** Polls `read` until `check` accepts its value; fails with the last value after 10 s. */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
): Promise<T> {
  let last: T | undefined;
  for (let tries = 0; tries < 200; tries++) {
    last = await read();
    if (check(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never reached the expected state; last: ${JSON.stringify(last).slice(0, 1500)}`);
}

/** The Messenger's visitor id in the page, once the widget has booted. */
export async function visitorIdIn(page: Page, other?: string): Promise<string> {
  const handle = await page.waitForFunction(
    (previous) => {
      const intercom = (window as unknown as { Intercom?: (command: string) => unknown }).Intercom;
      const id = typeof intercom === "function" ? intercom("getVisitorId") : undefined;
      return typeof id === "string" && id !== previous ? id : null;
    },
    other ?? null,
    { timeout: 10_000 },
  );
  return (await handle.jsonValue()) as string;
}

export interface OpenedSite {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors of the page: ship.js must never add any. */
  pageErrors: string[];
  /** Every POST /api/v1/me/alias the page sent. */
  aliasRequests: string[];
}

/** A fresh browser profile (a new person) on the demo site. */
export async function openDemo(
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

export async function logIn(page: Page, email: string, name: string): Promise<void> {
  await page.fill("#login-email", email);
  await page.fill("#login-name", name);
  await page.click("#login-form button[type=submit]");
  await page.waitForFunction(
    (who) => document.getElementById("who")!.textContent!.includes(who),
    name,
  );
}
