// Issue 17 on Hull's own fake platform (minihull@2.1.2): a settings save that adds a segment asks
// Hull for one extract of it, with the body hull@0.14.2's requestExtract sends; a save that keeps
// it asks nothing. minihull answers the request with a bare "ok" (src/router.js), which is taken.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMinihullStack, type MinihullStack } from "./minihull-stack";

let stack: MinihullStack;
const segment = {
  id: randomBytes(12).toString("hex"),
  name: "Customers",
  type: "users_segment",
  stats: { users: 2 },
  query: { bool: { filter: [{ term: { "traits_plan.exact": "paid" } }] } },
};

beforeAll(async () => {
  stack = await startMinihullStack();
  stack.minihull.stubUsersSegments([segment]);
}, 60_000);
afterAll(() => stack?.close());

const save = (privateSettings: Record<string, unknown>) =>
  fetch(`${stack.connector.deps.publicUrl}/admin/api/settings?${stack.credentialsQuery}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ private_settings: privateSettings }),
  });

const extractRequests = () => stack.requestsTo("POST", "/api/v1/extract/user_reports");

describe("extract request on minihull", () => {
  it("is made once for a segment a save adds, as hull's requestExtract makes it", async () => {
    const response = await save({ synchronized_segments: [segment.id] });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { extracts: unknown[] }).extracts).toEqual([
      { segment_id: segment.id, name: "Customers", members: 2, requested: true },
    ]);
    const [request, ...more] = extractRequests();
    expect(more).toEqual([]);
    const body = request!.body as { query: unknown; format: string; url: string; fields: unknown };
    expect(Object.keys(body).sort()).toEqual(["fields", "format", "query", "url"]);
    expect(body).toMatchObject({ query: segment.query, format: "json", fields: [] });
    const url = new URL(body.url);
    expect(url.pathname).toBe("/batch");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      ship: stack.credentials.id,
      secret: stack.credentials.secret,
      organization: stack.credentials.organization,
      source: "connector",
      segment_id: segment.id,
    });
    expect(request!.headers["hull-app-id"]).toBe(stack.credentials.id);
  });

  it("is not made again by a save that keeps the segment", async () => {
    const response = await save({ synchronized_segments: [segment.id], send_events: [] });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { extracts: unknown[] }).extracts).toEqual([]);
    expect(extractRequests()).toHaveLength(1);
  });
});
