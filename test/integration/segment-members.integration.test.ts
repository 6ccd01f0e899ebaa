// Issue 17: picking a segment sends the people already in it (Hull extract request → /batch job),
// "Send current members" on demand, and settings options read from Hull's data.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { membersProgress } from "../../client/dashboard/view/members-plan";
import type { Job } from "../../client/dashboard/types";
import type { Stack } from "../helpers/stack";
import {
  eventually,
  startConnectedStack,
  type hullControl,
  type intercomControl,
} from "../server/outgoing/helpers/sandbox-control";

let stack: Stack;
let hull: ReturnType<typeof hullControl>;
let intercom: ReturnType<typeof intercomControl>;
let token: string;
let customers: string;
let prospects: string;

beforeAll(async () => {
  ({ stack, hull, intercom } = await startConnectedStack());
  await intercom.settings({ webhook_url: null });
  customers = (await hull.createSegment("Customers", { plan: "paid" })).id;
  prospects = (await hull.createSegment("Prospects", { plan: "trial" })).id;
  await hull.seedUsers([
    {
      claims: { email: "ada@example.com" },
      attributes: { plan: "paid", name: "Ada Lovelace" },
      events: [{ event: "Viewed product", properties: { sku: "A1" } }],
    },
    {
      claims: { email: "grace@example.com" },
      attributes: { plan: "paid", name: "Grace Hopper" },
      events: [{ event: "Added to cart", properties: { sku: "B2", price: 3 } }],
    },
    { claims: { email: "tim@example.com" }, attributes: { plan: "trial" } },
  ]);
  const page = await (await fetch(stack.urls.dashboard)).text();
  token = /data-token="([^"]+)"/.exec(page)![1]!;
});
afterAll(() => stack?.close());

const api = (path: string, init: RequestInit = {}, bearer = token) =>
  fetch(`${stack.urls.connector}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${bearer}`,
      "content-type": "application/json",
      ...init.headers,
    },
  });

const save = async (privateSettings: Record<string, unknown>) => {
  const response = await api("/admin/api/settings", {
    method: "PUT",
    body: JSON.stringify({ private_settings: privateSettings }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as {
    extracts: { segment_id: string; name: string; members?: number; requested: boolean }[];
  };
};

// Every extract Hull prepared for the connector is logged by the stand-in as a user:extract.
const extractsDelivered = async () =>
  (await hull.notifications()).filter((item) => item.channel === "user:extract");

describe("settings from Hull's data", () => {
  it("offers Hull's event names and each segment's size", async () => {
    const body = (await (await api("/admin/api/settings")).json()) as {
      options: { events: string[]; segments: { id: string; name: string; size?: number }[] };
    };
    expect(body.options.events).toEqual(
      expect.arrayContaining([
        "Entered segment",
        "Left segment",
        "Viewed product",
        "Added to cart",
      ]),
    );
    expect(body.options.segments).toEqual(
      expect.arrayContaining([
        { id: customers, name: "Customers", size: 2 },
        { id: prospects, name: "Prospects", size: 1 },
      ]),
    );
  });
});

describe("current members of a segment", () => {
  it("are asked of Hull once when the segment is picked, and reach Intercom", async () => {
    const saved = await save({ synchronized_segments: [customers] });
    expect(saved.extracts).toEqual([
      { segment_id: customers, name: "Customers", members: 2, requested: true },
    ]);
    expect(await extractsDelivered()).toHaveLength(1);
    const contacts = await eventually(async () => {
      const all = await intercom.contacts();
      const tagged = all.filter((contact) => contact.tags.includes("Customers"));
      const emails = tagged.map((contact) => contact.email).sort();
      return emails.length === 2 && all;
    });
    expect(
      contacts
        .filter((contact) => contact.tags.includes("Customers"))
        .map((c) => c.email)
        .sort(),
    ).toEqual(["ada@example.com", "grace@example.com"]);
    expect(contacts.map((contact) => contact.email)).not.toContain("tim@example.com");
    // The activity log tells the request and the job apart from Hull's manual "Send to Intercom".
    const extractEntries = await eventually(async () => {
      const page = (await (await api("/admin/api/activity?kind=extract")).json()) as {
        entries: { message: string; details?: { segment_id?: string } }[];
      };
      return page.entries.length >= 2 && page.entries;
    });
    expect(extractEntries.map((entry) => entry.details?.segment_id)).toEqual([
      customers,
      customers,
    ]);
    expect(extractEntries.map((entry) => entry.message.replace(/ in \d+ s$/, ""))).toEqual([
      "Sent the current members of a segment: 2 handled",
      "Asked Hull for the 2 current members of Customers; they are sent to Intercom when Hull delivers them",
    ]);
  });

  it("are not asked again by a save that keeps the segment", async () => {
    const saved = await save({
      synchronized_segments: [customers],
      send_events: ["Viewed product"],
    });
    expect(saved.extracts).toEqual([]);
    expect(await extractsDelivered()).toHaveLength(1);
  });

  it("are asked only for the segment a save adds, not for the ones kept", async () => {
    const saved = await save({ synchronized_segments: [prospects, customers] });
    expect(saved.extracts.map((extract) => extract.name)).toEqual(["Prospects"]);
    expect(await extractsDelivered()).toHaveLength(2);
    await eventually(async () =>
      (await intercom.contacts()).some((contact) => contact.email === "tim@example.com"),
    );
  });

  it("are sent on demand for one synchronized segment or all of them", async () => {
    const one = await api("/admin/api/segments/members", {
      method: "POST",
      body: JSON.stringify({ segment_ids: [customers] }),
    });
    expect(one.status).toBe(200);
    expect(((await one.json()) as { extracts: unknown[] }).extracts).toEqual([
      { segment_id: customers, name: "Customers", members: 2, requested: true },
    ]);
    const all = await api("/admin/api/segments/members", {
      method: "POST",
      body: JSON.stringify({ all: true }),
    });
    expect(
      ((await all.json()) as { extracts: { name: string }[] }).extracts.map((e) => e.name),
    ).toEqual(["Prospects", "Customers"]);
    expect(await extractsDelivered()).toHaveLength(5);
  });

  it("on demand needs the dashboard's token and asks nothing on a bad request", async () => {
    const before = (await extractsDelivered()).length;
    const body = JSON.stringify({ segment_ids: [customers] });
    expect(
      (await fetch(`${stack.urls.connector}/admin/api/segments/members`, { method: "POST", body }))
        .status,
    ).toBe(401);
    expect(
      (await api("/admin/api/segments/members", { method: "POST", body }, "forged")).status,
    ).toBe(401);
    for (const bad of [
      "{",
      JSON.stringify({}),
      JSON.stringify({ segment_ids: [] }),
      JSON.stringify({ segment_ids: ["not-an-id"] }),
      JSON.stringify({ all: false }),
      JSON.stringify({ all: true, segment_ids: [customers] }),
    ]) {
      const response = await api("/admin/api/segments/members", { method: "POST", body: bad });
      expect(response.status, bad).toBe(400);
    }
    // A body sent as another type is refused before it is read (the dashboard sends JSON).
    const typed = await api("/admin/api/segments/members", {
      method: "POST",
      body,
      headers: { "content-type": "text/plain" },
    });
    expect(typed.status).toBe(415);
    expect(((await typed.json()) as { error: string }).error).toContain("application/json");
    // A real segment that is not synchronized is refused too.
    const other = (await hull.createSegment("Nobody", { plan: "none" })).id;
    const refused = await api("/admin/api/segments/members", {
      method: "POST",
      body: JSON.stringify({ segment_ids: [other] }),
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toContain("not synchronized");
    expect(await extractsDelivered()).toHaveLength(before);
  });
});

describe("a save that adds a segment while Hull's extract API fails", () => {
  it("is still saved, says the members were not sent and why, and logs it with what to do", async () => {
    const later = (await hull.createSegment("Later", { plan: "later" })).id;
    await hull.faults({ extract_status: 503 });
    try {
      const before = (await extractsDelivered()).length;
      const current = (await (await api("/admin/api/settings")).json()) as {
        private_settings: { synchronized_segments: string[] };
      };
      const segments = [...current.private_settings.synchronized_segments, later];
      const saved = await save({ synchronized_segments: segments });
      expect(saved.extracts).toEqual([
        expect.objectContaining({ segment_id: later, name: "Later", requested: false }),
      ]);
      expect(saved.extracts[0]).toMatchObject({ error: expect.stringContaining("Later") });
      const reread = (await (await api("/admin/api/settings")).json()) as {
        private_settings: { synchronized_segments: string[] };
      };
      expect(reread.private_settings.synchronized_segments).toEqual(segments);
      const page = (await (await api("/admin/api/activity?kind=extract&q=Later")).json()) as {
        entries: { outcome: string; reason?: string; hint?: string }[];
      };
      expect(page.entries[0]).toMatchObject({
        outcome: "failed",
        reason: expect.stringContaining("503"),
        hint: expect.stringContaining("Send current members"),
      });
      expect(await extractsDelivered()).toHaveLength(before);
    } finally {
      await hull.faults({});
    }
  });
});

describe("members whose extract cannot be downloaded at first (docs/adr/025)", () => {
  it("are sent once the download works again, the activity saying the send will go on", async () => {
    const retried = (await hull.createSegment("Retried", { plan: "retried" })).id;
    await hull.seedUsers([
      { claims: { email: "linus@example.com" }, attributes: { plan: "retried", name: "Linus" } },
    ]);
    // The storage behind Hull's extract link answers 503 once, then serves the file.
    await hull.faults({ extract_download: { status: 503, count: 1 } });
    try {
      const current = (await (await api("/admin/api/settings")).json()) as {
        private_settings: { synchronized_segments: string[] };
      };
      const saved = await save({
        synchronized_segments: [...current.private_settings.synchronized_segments, retried],
      });
      expect(saved.extracts).toEqual([
        expect.objectContaining({ segment_id: retried, requested: true }),
      ]);
      await eventually(async () =>
        (await intercom.contacts()).some((contact) => contact.email === "linus@example.com"),
      );
      // The send's end is recorded once its last chunk is in Intercom.
      const entries = await eventually(async () => {
        const page = (await (await api("/admin/api/activity?kind=extract")).json()) as {
          entries: { outcome: string; message: string; reason?: string }[];
        };
        return page.entries[0]?.message.startsWith("Sent the current members") && page.entries;
      });
      expect(entries[0]).toMatchObject({ outcome: "ok" });
      expect(entries.map(({ outcome, reason }) => [outcome, reason])).toContainEqual([
        "waiting",
        expect.stringContaining("503"),
      ]);
    } finally {
      await hull.faults({});
    }
  });
});

describe("members Intercom refuses, every one of them", () => {
  // The reviewer's reproduction: the Intercom stand-in answers 400 to every POST /contacts.
  const emails = ["refused-1@example.com", "refused-2@example.com"];
  const jobs = async () =>
    ((await (await api("/admin/api/overview")).json()) as { jobs: Job[] }).jobs;
  /** What the members panel shows for the jobs a request caused, once they ended. */
  const panelOnceEnded = async (known: ReadonlySet<string>) =>
    eventually(async () => {
      const view = membersProgress(await jobs(), known, 1, 2);
      return view.finished && view;
    });

  it("are not reported sent: the panel and the activity log say none reached Intercom", async () => {
    const refused = (await hull.createSegment("Refused", { plan: "refused" })).id;
    await hull.seedUsers(
      emails.map((email) => ({ claims: { email }, attributes: { plan: "refused" } })),
    );
    await intercom.faults({ status: 400, share: 1, path: "/contacts" });
    try {
      const current = (await (await api("/admin/api/settings")).json()) as {
        private_settings: { synchronized_segments: string[] };
      };
      const segments = [...current.private_settings.synchronized_segments, refused];
      const first = new Set((await jobs()).map((job) => job.id));
      expect((await save({ synchronized_segments: segments })).extracts).toEqual([
        { segment_id: refused, name: "Refused", members: 2, requested: true },
      ]);
      await panelOnceEnded(first);

      // Settings → "Send current members" of the segment, as the reviewer clicked it.
      const known = new Set((await jobs()).map((job) => job.id));
      const sent = await api("/admin/api/segments/members", {
        method: "POST",
        body: JSON.stringify({ segment_ids: [refused] }),
      });
      expect(sent.status).toBe(200);
      const view = await panelOnceEnded(known);
      expect(view).toMatchObject({ done: 2, errors: 2, total: 2, outcome: "bad" });
      expect(view.text).toBe(
        "Sent 0 of 2 users to Intercom; 2 were refused by Intercom or not sent (see the Activity tab).",
      );

      const page = (await (await api("/admin/api/activity?kind=extract")).json()) as {
        entries: {
          outcome: string;
          message: string;
          reason?: string;
          details?: Record<string, unknown>;
        }[];
      };
      const ends = page.entries.filter(
        (entry) => entry.details?.segment_id === refused && entry.message.startsWith("Sent "),
      );
      expect(
        ends.map(({ outcome, message }) => [outcome, message.replace(/, in \d+ s$/, "")]),
      ).toEqual([
        [
          "failed",
          "Sent the current members of a segment: 0 of 2 users sent to Intercom, 2 not sent",
        ],
        [
          "failed",
          "Sent the current members of a segment: 0 of 2 users sent to Intercom, 2 not sent",
        ],
      ]);
      expect(ends[0]?.reason).toContain("Intercom refused every one of the 2 users");
      // "See Activity" leads somewhere: each user has its own entry with Intercom's refusal.
      for (const email of emails) {
        const users = (await (await api(`/admin/api/activity?kind=user&q=${email}`)).json()) as {
          entries: { outcome: string; message: string }[];
        };
        expect(users.entries[0]).toMatchObject({
          outcome: "failed",
          message: "Intercom refused the user",
        });
      }
      const inIntercom = (await intercom.contacts()).map((contact) => contact.email);
      for (const email of emails) expect(inIntercom).not.toContain(email);
    } finally {
      await intercom.faults({});
    }
  });
});
