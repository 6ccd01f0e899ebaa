/**
 * The incremental fetch against a stand-in that searches like Intercom: dates by calendar day in the
 * workspace's timezone (official description, POST /contacts/search, "Searching for Timestamp
 * Fields"), here Asia/Kolkata (UTC+5:30), so no day boundary falls on a UTC midnight.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import { intercomRequestProblems } from "../helpers/intercom-contract";
import { hullConnector, startTestStack, type Stack } from "../helpers/stack";

type Job = {
  id: string;
  kind: string;
  mode: string;
  state: string;
  progress: { fetched: number; written?: number; errors: number };
  started_at?: string;
  error?: string;
};
type Contact = { id: string; updated_at: number; name: string | null };
type LoggedRequest = { method: string; path: string; body: unknown; status: number };

const TIMEZONE = "Asia/Kolkata";
/** Unix seconds of a wall-clock time in Asia/Kolkata (UTC+5:30, no DST). */
const ist = (iso: string) => Date.parse(`${iso}+05:30`) / 1000;

let stack: Stack;
let token: string;
const json = { "content-type": "application/json" };
const post = (url: string, body: unknown = {}) =>
  fetch(url, { method: "POST", headers: json, body: JSON.stringify(body) });
const connectorCall = (path: string, method = "POST") =>
  fetch(`${stack.urls.connector}${path}?${stack.credentialsQuery}`, { method });
const jobs = async () =>
  ((await (await connectorCall("/jobs", "GET")).json()) as { jobs: Job[] }).jobs;
const intercom = async <T = Contact>(method: string, path: string, body?: unknown): Promise<T> => {
  const response = await fetch(`${stack.urls.intercom}${path}`, {
    method,
    headers: { ...json, authorization: `Bearer ${token}`, "intercom-version": "2.14" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status, `${method} ${path}`).toBe(200);
  return (await response.json()) as T;
};
const setClock = (seconds: number) =>
  post(`${stack.urls.intercom}/_sandbox/clock`, { now: seconds });
const setCursor = (cursor: number, edge: Record<string, number>) =>
  fetch(`${stack.urls.hull}/_sandbox/connector/settings`, {
    method: "PUT",
    headers: json,
    body: JSON.stringify({
      private_settings: {
        last_updated_at: new Date(cursor * 1000).toISOString(),
        fetch_edges: { users: edge, leads: {} },
      },
    }),
  });
const traitsWritten = async (contactId: string) =>
  (
    (await (await fetch(`${stack.urls.hull}/_sandbox/firehose`)).json()) as {
      type: string;
      claims: unknown;
      body: Record<string, unknown>;
    }[]
  ).filter((entry) => entry.type === "traits" && JSON.stringify(entry.claims).includes(contactId));
const storedCursor = async (name = "last_updated_at") =>
  (await hullConnector(stack)).private_settings[name] as string | undefined;

/** Starts an incremental fetch of `kind` and waits for it to end; answers the finished job. */
async function runIncremental(kind: "fetch-users" | "fetch-leads"): Promise<Job> {
  const before = (await jobs()).filter((job) => job.kind === kind).length;
  const started = await connectorCall(kind === "fetch-users" ? "/sync" : "/fetch-leads");
  expect(started.status).toBe(202);
  await expect
    .poll(
      async () =>
        (await jobs()).filter(
          (job) => job.kind === kind && job.state !== "running" && job.state !== "queued",
        ).length,
      { timeout: 60_000, interval: 100 },
    )
    .toBe(before + 1);
  const finished = (await jobs()).filter((job) => job.kind === kind && job.mode === "incremental");
  return finished.reduce((a, b) => ((a.started_at ?? "") > (b.started_at ?? "") ? a : b));
}

beforeAll(async () => {
  stack = await startTestStack();
  await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
  // Webhooks would write the same contacts to Hull: this file is about the fetch alone.
  await post(`${stack.urls.intercom}/_sandbox/settings`, { webhook_url: null, timezone: TIMEZONE });
  token = (
    (await (await post(`${stack.urls.intercom}/_sandbox/token`)).json()) as {
      access_token: string;
    }
  ).access_token;
}, 60_000);
afterAll(() => stack.close());

describe("a fresh install", () => {
  it("runs its first scheduled fetches without a cursor, and stores one for each kind", async () => {
    const user = await intercom("POST", "/contacts", { email: "fresh@x.io", external_id: "f1" });
    await intercom("POST", "/contacts", { role: "lead", email: "fresh-lead@x.io" });
    expect(await storedCursor()).toBeUndefined();

    const users = await runIncremental("fetch-users");
    expect(users).toMatchObject({ state: "done", progress: { written: 1 } });
    expect(await traitsWritten(user.id)).toHaveLength(1);
    expect(await storedCursor()).toBe(new Date(user.updated_at * 1000).toISOString());

    const leads = await runIncremental("fetch-leads");
    expect(leads).toMatchObject({ state: "done", progress: { written: 1 } });
    expect(await storedCursor("leads_last_fetched_at")).toEqual(expect.any(String));

    const searches = (
      (await (await fetch(`${stack.urls.intercom}/_sandbox/requests`)).json()) as {
        requests: LoggedRequest[];
      }
    ).requests.filter((request) => request.path === "/contacts/search");
    expect(searches.length).toBeGreaterThanOrEqual(2);
    for (const search of searches) {
      expect(search.status).toBe(200);
      expect(JSON.stringify(search.body)).not.toContain("null");
      expect(intercomRequestProblems("POST", search.path, search.body)).toEqual([]);
    }
  });
});

describe("a workspace in Asia/Kolkata (UTC+5:30)", () => {
  it("brings contacts updated after the cursor on the cursor's own day, each once with its last values", async () => {
    // Days in 2027, after anything the real clock made above.
    await setClock(ist("2027-03-10T10:00:00"));
    const x = await intercom("POST", "/contacts", { email: "x@x.io", name: "X" });
    const y = await intercom("POST", "/contacts", { email: "y@x.io", name: "Y" });
    const z = await intercom("POST", "/contacts", { email: "z@x.io", name: "Z" });
    // The previous run ended here, having written all three.
    await setCursor(x.updated_at, {
      [x.id]: x.updated_at,
      [y.id]: y.updated_at,
      [z.id]: z.updated_at,
    });

    await setClock(ist("2027-03-10T10:30:00"));
    await intercom("PUT", `/contacts/${y.id}`, { name: "Same Day" });
    await setClock(ist("2027-03-10T11:00:00"));
    await intercom("PUT", `/contacts/${z.id}`, { name: "First" });
    await setClock(ist("2027-03-10T11:05:00"));
    const zLast = await intercom("PUT", `/contacts/${z.id}`, { name: "Second" });

    const job = await runIncremental("fetch-users");
    expect(job).toMatchObject({ state: "done", progress: { fetched: 3, written: 2 } });
    expect((await traitsWritten(y.id)).map((entry) => entry.body["intercom/name"])).toEqual([
      "Same Day",
    ]);
    expect((await traitsWritten(z.id)).map((entry) => entry.body["intercom/name"])).toEqual([
      "Second",
    ]);
    expect(await traitsWritten(x.id)).toEqual([]);
    expect(await storedCursor()).toBe(new Date(zLast.updated_at * 1000).toISOString());
  });

  it("misses nothing across midnight in the workspace's timezone, and writes nothing twice", async () => {
    await setClock(ist("2027-03-12T23:59:30"));
    const p = await intercom("POST", "/contacts", { email: "p@x.io", name: "P" });
    const q = await intercom("POST", "/contacts", { email: "q@x.io", name: "Q" });
    const r = await intercom("POST", "/contacts", { email: "r@x.io", name: "R" });
    await setCursor(p.updated_at, {
      [p.id]: p.updated_at,
      [q.id]: q.updated_at,
      [r.id]: r.updated_at,
    });

    await setClock(ist("2027-03-12T23:59:50")); // before midnight in Kolkata
    await intercom("PUT", `/contacts/${q.id}`, { name: "Before Midnight" });
    await setClock(ist("2027-03-13T00:00:20")); // after it (18:30:20 UTC, the same UTC day)
    const rLast = await intercom("PUT", `/contacts/${r.id}`, { name: "After Midnight" });

    const job = await runIncremental("fetch-users");
    // It read the contacts updated since the start of the cursor's day in Kolkata (P, Q, R: the
    // contacts of 10 March are not read again) and wrote the two that changed.
    expect(job).toMatchObject({ state: "done", progress: { fetched: 3, written: 2 } });
    expect((await traitsWritten(q.id)).map((entry) => entry.body["intercom/name"])).toEqual([
      "Before Midnight",
    ]);
    expect((await traitsWritten(r.id)).map((entry) => entry.body["intercom/name"])).toEqual([
      "After Midnight",
    ]);
    expect(await traitsWritten(p.id)).toEqual([]);
    expect(await storedCursor()).toBe(new Date(rLast.updated_at * 1000).toISOString());

    // The next run reads the overlap again and writes none of it.
    const again = await runIncremental("fetch-users");
    expect(again.state).toBe("done");
    expect(again.progress.fetched).toBe(3);
    expect(again.progress.written ?? 0).toBe(0);
    expect(await traitsWritten(r.id)).toHaveLength(1);
  });

  it("still misses nothing when /me does not answer: it asks from 25 hours before the window", async () => {
    await setClock(ist("2027-03-15T23:59:30"));
    const p = await intercom("POST", "/contacts", { email: "p2@x.io", name: "P2" });
    const q = await intercom("POST", "/contacts", { email: "q2@x.io", name: "Q2" });
    await setCursor(p.updated_at, { [p.id]: p.updated_at, [q.id]: q.updated_at });
    await setClock(ist("2027-03-16T00:00:20"));
    await intercom("PUT", `/contacts/${q.id}`, { name: "Q2 After Midnight" });
    await fetch(`${stack.urls.intercom}/_sandbox/requests`, { method: "DELETE" });
    await post(`${stack.urls.intercom}/_sandbox/faults`, {
      status: 403,
      share: 1,
      path: "/me",
      count: 1,
    });

    const job = await runIncremental("fetch-users");
    expect(job).toMatchObject({ state: "done", progress: { written: 1 } });
    expect((await traitsWritten(q.id)).map((entry) => entry.body["intercom/name"])).toEqual([
      "Q2 After Midnight",
    ]);
    const requests = (
      (await (await fetch(`${stack.urls.intercom}/_sandbox/requests`)).json()) as {
        requests: LoggedRequest[];
      }
    ).requests;
    expect(requests.find((request) => request.path === "/me")?.status).toBe(403);
    const search = requests.find((request) => request.path === "/contacts/search")!;
    expect(JSON.stringify(search.body)).toContain(
      `{"field":"updated_at","operator":">","value":${p.updated_at - 300 - 25 * 3600}}`,
    );
  });
});
