import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { intercomRequestProblems } from "../helpers/intercom-contract";
import type { Stack } from "../helpers/stack";
import type { hullControl, intercomControl } from "../server/outgoing/helpers/sandbox-control";
import { eventually, startConnectedStack } from "../server/outgoing/helpers/sandbox-control";
import { waitWhileProgressing } from "../helpers/wait";

const USERS = 5000;
let stack: Stack;
let hull: ReturnType<typeof hullControl>;
let intercom: ReturnType<typeof intercomControl>;

beforeAll(async () => {
  ({ stack, hull, intercom } = await startConnectedStack());
  // Neither the rate budget (see outgoing-faults) nor the incoming webhooks our writes cause are
  // under test here: let the run go as fast as the stand-ins allow.
  await intercom.rateLimit(6_000_000);
  await intercom.settings({ webhook_url: null });
  await hull.createSegment("Imported", { imported: true });
  // No synchronized segments: a manual "send to Intercom" ignores the whitelist.
  await hull.settings({
    synchronized_segments: [],
    sync_fields_to_intercom: [{ hull: "plan", name: "plan", overwrite: true }],
  });
});
afterAll(() => stack?.close());

const overview = async () => {
  const response = await fetch(
    `${stack.urls.connector}/admin/api/overview?${stack.credentialsQuery}`,
  );
  return (await response.json()) as { activity: { counters: Record<string, number> } };
};

describe("/batch: Hull's manual send to Intercom", () => {
  it("refuses an extract that is not JSON user reports, before downloading anything", async () => {
    const response = await fetch(`${stack.urls.connector}/batch?${stack.credentialsQuery}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        url: `${stack.urls.hull}/x.csv`,
        format: "csv",
        object_type: "user_report",
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("only json extracts");
  });

  it("refuses a /batch call without Hull credentials", async () => {
    const response = await fetch(`${stack.urls.connector}/batch`, { method: "POST", body: "{}" });
    expect(response.status).toBe(401);
  });

  it(`sends every user of a ${USERS}-user extract, whatever the whitelist, with segment tags`, async () => {
    const seeds = Array.from({ length: USERS }, (_, index) => ({
      claims: { email: `bulk${index}@example.com` },
      attributes: { plan: index % 2 ? "pro" : "free", imported: true },
    }));
    await hull.seedUsers(seeds);
    await hull.notify({ all: true, extract: true });
    // Thousands of users through both stand-ins take minutes on a loaded machine: the wait fails
    // when the count stops growing, not after a total time.
    await waitWhileProgressing(
      () => intercom.count(),
      (count) => count === USERS,
      { what: `${USERS} contacts in Intercom` },
    );
    await eventually(
      async () => (await overview()).activity.counters["outgoing.extracts.completed"] === 1,
    );
    const contacts = await intercom.contacts();
    expect(new Set(contacts.map((contact) => contact.email)).size).toBe(USERS);
    expect(contacts.every((contact) => contact.tags.includes("Imported"))).toBe(true);
    expect(
      contacts.find((contact) => contact.email === "bulk7@example.com")?.custom_attributes,
    ).toEqual({
      plan: "pro",
    });
    const counters = (await overview()).activity.counters;
    expect(counters["outgoing.extract.users"]).toBe(USERS);
    expect(counters["outgoing.users.failed"] ?? 0).toBe(0);
    // The limit (10 wait ceilings) only catches a hang: the waits above fail first.
  }, 600_000);

  it("sent only requests that Intercom's description documents", async () => {
    const seen = new Set<string>();
    const problems = (await intercom.requests()).flatMap((request) => {
      const key = `${request.method} ${request.path.replace(/[0-9a-f]{24}/g, "{id}")} ${JSON.stringify(Object.keys((request.body as object) ?? {}))}`;
      if (seen.has(key)) return [];
      seen.add(key);
      return intercomRequestProblems(request.method, request.path, request.body);
    });
    expect(problems).toEqual([]);
  });
});
