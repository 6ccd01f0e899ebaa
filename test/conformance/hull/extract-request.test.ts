// Issue 17: the connector asks Hull for a segment's members the way Hull's own framework does
// (hull@0.14.2 lib/helpers/request-extract.js), and the Hull stand-in serves that request as Hull
// does: it takes the segment's query, builds the extract and POSTs its URL to the callback.
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHullSandbox, type HullSandbox } from "../../../sandbox/hull/index.js";
import { createHullRestClient } from "../../../server/clients/hull/rest";
import { requestMemberExtracts } from "../../../server/segment-members/request-member-extracts";
import {
  sendJson,
  startFakeConnector,
  waitFor,
  type FakeConnector,
} from "../../sandbox/hull/helpers.js";

/** hull@0.14.2's `ctx.helpers.requestExtract(ctx, {segment, path, fields})`. */
const hullRequestExtract = createRequire(import.meta.url)("hull/lib/helpers/request-extract") as (
  ctx: unknown,
  options: { segment?: { id: string; query?: unknown } | null; fields?: string[] },
) => Promise<unknown>;

let hull: HullSandbox;
let connector: FakeConnector;
let segment: { id: string; name: string; query: unknown; stats: { users: number } };

beforeAll(async () => {
  connector = await startFakeConnector();
  hull = await startHullSandbox({ connectorUrl: connector.url, notifyDelayMs: 10 });
  await sendJson(`${hull.url}/_sandbox/users`, "POST", [
    { claims: { email: "ada@example.com" }, attributes: { plan: "paid" } },
    { claims: { email: "grace@example.com" }, attributes: { plan: "paid" } },
    { claims: { email: "tim@example.com" }, attributes: { plan: "trial" } },
  ]);
  await sendJson(`${hull.url}/_sandbox/segments`, "POST", {
    name: "Customers",
    query: { plan: "paid" },
  });
  const client = createHullRestClient(hull.connector);
  [segment] = (await client.getSegments()) as (typeof segment)[];
});
afterAll(async () => {
  await hull?.close();
  await connector?.close();
});

/** A hull-client stand-in for the helper: real calls to the stand-in, each POST body recorded. */
function helperContext(posted: Record<string, unknown>[]) {
  const headers = {
    "Hull-App-Id": hull.connector.id,
    "Hull-Access-Token": hull.connector.secret,
    "content-type": "application/json",
  };
  const base = `${hull.url}/api/v1`;
  return {
    hostname: "connector.example",
    client: {
      configuration: () => hull.connector,
      logger: { debug: () => undefined },
      get: async (path: string) => (await fetch(`${base}/${path}`, { headers })).json(),
      post: async (path: string, body: Record<string, unknown>) => {
        posted.push({ path, ...body });
        // Sent with the callback replaced, so that the stand-in does not try the made-up host.
        const local = { ...body, url: `${connector.url}/helper` };
        const response = await fetch(`${base}/${path}`, {
          method: "POST",
          headers,
          body: JSON.stringify(local),
        });
        return { status: response.status, body: await response.json() };
      },
    },
  };
}

describe("extract requests, held to hull@0.14.2's requestExtract", () => {
  it("the stand-in lists segments with stats.users and serves one by id with its query", async () => {
    expect(segment).toMatchObject({ name: "Customers", stats: { users: 2 } });
    const byId = await createHullRestClient(hull.connector).getSegment(segment.id);
    expect(byId).toMatchObject({ id: segment.id, query: segment.query });
  });

  it("the stand-in accepts the helper's request, reading a query-less segment by id", async () => {
    const posted: Record<string, unknown>[] = [];
    const answer = (await hullRequestExtract(helperContext(posted), {
      segment: { id: segment.id },
    })) as { status: number };
    expect(answer.status).toBe(202);
    expect(posted).toEqual([
      expect.objectContaining({ path: "extract/user_reports", query: segment.query }),
    ]);
    const delivered = await waitFor(() => connector.received.find((r) => r.path === "/helper"));
    const lines = (await (await fetch(delivered.body.url as string)).text()).split("\n");
    expect(lines.map((line) => (JSON.parse(line) as { email: string }).email).sort()).toEqual([
      "ada@example.com",
      "grace@example.com",
    ]);
  });

  it("the connector's request has the helper's body and callback query", async () => {
    const posted: Record<string, unknown>[] = [];
    await hullRequestExtract(helperContext(posted), { segment });
    const helper = posted[0]!;

    const sent: Record<string, unknown>[] = [];
    const transport = async (url: string, init?: RequestInit) => {
      if (url.endsWith("/extract/user_reports")) sent.push(JSON.parse(String(init?.body)));
      return fetch(url, init);
    };
    const client = createHullRestClient(hull.connector, 10_000, transport);
    const [outcome] = await requestMemberExtracts(
      {
        publicUrl: "https://connector.example",
        logger: { info() {}, warn() {} },
        activity: { record() {} },
      },
      hull.connector,
      client,
      [segment as never],
    );
    expect(outcome).toMatchObject({ requested: true, members: 2 });
    const ours = sent[0]!;
    expect(Object.keys(ours).sort()).toEqual(
      Object.keys(helper)
        .filter((k) => k !== "path")
        .sort(),
    );
    expect({ ...ours, url: undefined }).toEqual({ ...helper, path: undefined, url: undefined });
    const ourUrl = new URL(ours.url as string);
    const helperUrl = new URL(helper.url as string);
    expect(ourUrl.origin + ourUrl.pathname).toBe(helperUrl.origin + helperUrl.pathname);
    expect(Object.fromEntries(ourUrl.searchParams)).toEqual(
      Object.fromEntries(helperUrl.searchParams),
    );
  });

  it("the stand-in POSTs the connector's callback an extract of the segment's members", async () => {
    const client = createHullRestClient(hull.connector);
    const [outcome] = await requestMemberExtracts(
      { publicUrl: connector.url, logger: { info() {}, warn() {} }, activity: { record() {} } },
      hull.connector,
      client,
      [segment as never],
    );
    expect(outcome!.requested).toBe(true);
    const batch = await waitFor(() => connector.received.find((r) => r.path === "/batch"));
    expect(batch.query).toMatchObject({ ship: hull.connector.id, segment_id: segment.id });
    expect(batch.body).toMatchObject({ format: "json", object_type: "user_report" });
    const lines = (await (await fetch(batch.body.url as string)).text()).split("\n");
    expect(lines).toHaveLength(2);
  });
});
