import { expect } from "vitest";

// 2,000 Hull users sent to Intercom while Intercom fails (issues 21 and 22), driven only through
// the stand-ins' control routes, so that the same checks serve in-process and killed processes.

export interface StormTarget {
  hullUrl: string;
  intercomUrl: string;
}

interface SandboxContact {
  id: string;
  email: string;
  external_id: string | null;
  custom_attributes: Record<string, unknown>;
  tags: string[];
  events: { event_name: string; metadata: Record<string, unknown> }[];
}

export interface HullNotification {
  channel: string;
  status?: number;
  flow_control?: { type: string; size?: number; in?: number };
}

async function call<T>(url: string, method = "GET", body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export const intercomFault = (target: StormTarget, rule: Record<string, unknown>) =>
  call(`${target.intercomUrl}/_sandbox/faults`, "POST", rule);

/** Moves the Intercom stand-in's clock (rate windows, fault durations) forward. */
export const advanceIntercomClock = (target: StormTarget, ms: number) =>
  call(`${target.intercomUrl}/_sandbox/clock`, "POST", { advance_ms: ms });

export const hullNotifications = (target: StormTarget) =>
  call<HullNotification[]>(`${target.hullUrl}/_sandbox/notifications`);

/**
 * The connector's settings for the run: the "Customers" segment synchronized, `plan` mapped, the
 * "Signed up" event sent; Intercom's budget raised so that only the injected faults limit it.
 */
export async function prepareOutgoing(target: StormTarget): Promise<void> {
  const segment = await call<{ id: string }>(`${target.hullUrl}/_sandbox/segments`, "POST", {
    name: "Customers",
    query: { customer: true },
  });
  await call(`${target.hullUrl}/_sandbox/connector/settings`, "PUT", {
    private_settings: {
      synchronized_segments: [segment.id],
      sync_fields_to_intercom: [{ hull: "plan", name: "plan", overwrite: true }],
      send_events: ["Signed up"],
    },
  });
  await call(`${target.intercomUrl}/_sandbox/rate-limit`, "POST", { per_minute: 600_000 });
}

const emailOf = (run: string, index: number) => `${run}-${index}@example.com`;
const planOf = (index: number) => `plan-${index % 7}`;

/** Adds `count` customers to Hull, each with a plan and one "Signed up" event. */
export async function seedCustomers(target: StormTarget, run: string, count: number) {
  const users = Array.from({ length: count }, (_, index) => ({
    claims: { email: emailOf(run, index), external_id: `${run}-${index}` },
    attributes: { plan: planOf(index), customer: true },
    events: [{ event: "Signed up", properties: { index } }],
  }));
  for (let start = 0; start < count; start += 500) {
    await call(`${target.hullUrl}/_sandbox/users`, "POST", users.slice(start, start + 500));
  }
}

/** The run's contacts in the Intercom stand-in. */
export async function runContacts(target: StormTarget, run: string): Promise<SandboxContact[]> {
  const { contacts } = await call<{ contacts: SandboxContact[] }>(
    `${target.intercomUrl}/_sandbox/contacts`,
  );
  return contacts.filter((contact) => contact.email?.startsWith(`${run}-`));
}

const complete = (contact: SandboxContact) =>
  contact.tags.includes("Customers") &&
  contact.custom_attributes.plan !== undefined &&
  contact.events.some((event) => event.event_name === "Signed up");

/** How many of the run's users are in Intercom with their attribute, tag and event. */
export async function completeCount(target: StormTarget, run: string): Promise<number> {
  return (await runContacts(target, run)).filter(complete).length;
}

/**
 * Polls (no clock involved) until every user of the run is in Intercom with its plan, its segment
 * tag and its event, then checks each is there exactly once, with the right values.
 */
export async function expectEveryUserOnce(
  target: StormTarget,
  run: string,
  count: number,
  timeoutMs = 480_000,
): Promise<void> {
  try {
    await expect
      .poll(() => completeCount(target, run), { timeout: timeoutMs, interval: 1000 })
      .toBe(count);
  } catch (error) {
    const contacts = await runContacts(target, run);
    const missing = contacts.filter((contact) => !complete(contact)).slice(0, 5);
    console.error(`${contacts.length} contacts; incomplete:`, JSON.stringify(missing));
    throw error;
  }
  const contacts = await runContacts(target, run);
  expect(contacts).toHaveLength(count);
  expect(new Set(contacts.map((contact) => contact.email)).size).toBe(count);
  for (const contact of contacts) {
    const index = Number(contact.email.slice(run.length + 1).split("@")[0]);
    expect(contact.external_id).toBe(`${run}-${index}`);
    expect(contact.custom_attributes.plan).toBe(planOf(index));
    expect(contact.tags.filter((tag) => tag === "Customers")).toHaveLength(1);
    const signedUp = contact.events.filter((event) => event.event_name === "Signed up");
    expect(signedUp).toHaveLength(1);
    expect(signedUp[0]!.metadata.index).toBe(index);
  }
}
