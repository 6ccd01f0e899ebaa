import { beforeEach, describe, expect, it } from "vitest";
import type { NewActivityEntry } from "../../../server/activity";
import { RetryableError } from "../../../server/errors";
import type { HullSegment } from "../../../server/clients/hull/types";
import {
  addedSegmentIds,
  extractCallbackUrl,
  segmentSize,
} from "../../../server/segment-members/plan-member-extracts";
import {
  sendCurrentMembers,
  sendMembersOfAddedSegments,
} from "../../../server/segment-members/send-current-members";

const credentials = { id: "a".repeat(24), organization: "org.hullapp.io", secret: "s3cret" };
const quiet = { info: () => undefined, warn: () => undefined };
const recorded: { connectorId: string; entry: NewActivityEntry }[] = [];
const deps = {
  publicUrl: "https://connector.example/",
  logger: quiet,
  activity: {
    record: (connectorId: string, entry: NewActivityEntry) => recorded.push({ connectorId, entry }),
  },
};
const customers: HullSegment = {
  id: "c".repeat(24),
  name: "Customers",
  stats: { users: 2 },
  query: { bool: { filter: [{ term: { traits_plan: "paid" } }] } },
};
const vip: HullSegment = { id: "d".repeat(24), name: "VIP" };

beforeEach(() => {
  recorded.length = 0;
});

/**
 * A Hull client that records extract requests; `down` makes every call fail as Hull outages do,
 * `extractDown` only the extract request.
 */
function fakeHull(segments: HullSegment[], down = false, extractDown = false) {
  const requests: { url: string; query?: unknown; fields?: string[] }[] = [];
  const segmentReads: string[] = [];
  const fail = () => {
    throw new RetryableError("Hull is unreachable: connect ECONNREFUSED");
  };
  return {
    requests,
    segmentReads,
    getSegments: async () => (down ? fail() : segments),
    getSegment: async (id: string) => {
      segmentReads.push(id);
      return { id, name: "read", query: { match_all: {} } };
    },
    requestExtract: async (request: { url: string; query?: unknown; fields?: string[] }) => {
      if (down || extractDown) fail();
      requests.push(request);
    },
  };
}

describe("addedSegmentIds(before, after)", () => {
  it("gives the ids a save adds, once each, in order", () => {
    expect(addedSegmentIds(["a"], ["b", "a", "c", "b"])).toEqual(["b", "c"]);
    expect(addedSegmentIds(["a", "b"], ["b", "a"])).toEqual([]);
    expect(addedSegmentIds(["a", "b"], [])).toEqual([]);
  });
});

describe("extractCallbackUrl(publicUrl, credentials, segmentId)", () => {
  it("is /batch with the query hull@0.14.2's requestExtract builds", () => {
    const url = new URL(extractCallbackUrl(deps.publicUrl, credentials, customers.id));
    expect(url.origin + url.pathname).toBe("https://connector.example/batch");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      ship: credentials.id,
      secret: credentials.secret,
      organization: credentials.organization,
      source: "connector",
      segment_id: customers.id,
    });
  });
});

describe("segmentSize(segment)", () => {
  it("reads stats.users and ignores anything that is not a count", () => {
    expect(segmentSize(customers)).toBe(2);
    expect(segmentSize(vip)).toBeUndefined();
    expect(segmentSize({ stats: { users: -1 } })).toBeUndefined();
    expect(segmentSize({ stats: { users: "2" as unknown as number } })).toBeUndefined();
  });
});

describe("sendMembersOfAddedSegments", () => {
  it("asks one extract per added segment, with the segment's query, and none for kept ones", async () => {
    const hull = fakeHull([customers, vip]);
    const outcomes = await sendMembersOfAddedSegments(
      deps,
      credentials,
      hull,
      [vip.id],
      [vip.id, customers.id],
    );
    expect(outcomes).toEqual([
      { segment_id: customers.id, name: "Customers", members: 2, requested: true },
    ]);
    expect(hull.requests).toEqual([
      {
        url: extractCallbackUrl(deps.publicUrl, credentials, customers.id),
        query: customers.query,
        fields: [],
      },
    ]);
    expect(await sendMembersOfAddedSegments(deps, credentials, hull, [vip.id], [vip.id])).toEqual(
      [],
    );
    expect(hull.requests).toHaveLength(1);
  });

  it("reads a segment Hull listed without its query, as Hull's helper does", async () => {
    const hull = fakeHull([vip]);
    await sendMembersOfAddedSegments(deps, credentials, hull, [], [vip.id]);
    expect(hull.segmentReads).toEqual([vip.id]);
    expect(hull.requests[0]!.query).toEqual({ match_all: {} });
  });

  it("says so, and does not throw, when Hull is down", async () => {
    const outcomes = await sendMembersOfAddedSegments(
      deps,
      credentials,
      fakeHull([customers], true),
      [],
      [customers.id],
    );
    expect(outcomes).toEqual([
      expect.objectContaining({ segment_id: customers.id, requested: false }),
    ]);
    expect(outcomes[0]!.error).toContain("Hull could not list its segments");
    expect(outcomes[0]!.error).not.toContain(credentials.secret);
    // The activity log says so too, with what to do.
    expect(recorded).toEqual([
      {
        connectorId: credentials.id,
        entry: expect.objectContaining({
          kind: "extract",
          outcome: "failed",
          reason: expect.stringContaining("Hull could not list its segments"),
          hint: expect.stringContaining("Send current members"),
        }),
      },
    ]);
  });

  it("records each request, and a refused extract request with the segment's name and what to do", async () => {
    await sendMembersOfAddedSegments(deps, credentials, fakeHull([customers]), [], [customers.id]);
    expect(recorded).toEqual([
      {
        connectorId: credentials.id,
        entry: expect.objectContaining({
          kind: "extract",
          outcome: "ok",
          message: expect.stringContaining("the 2 current members of Customers"),
        }),
      },
    ]);
    recorded.length = 0;
    const outcomes = await sendMembersOfAddedSegments(
      deps,
      credentials,
      fakeHull([customers], false, true),
      [],
      [customers.id],
    );
    expect(outcomes).toEqual([expect.objectContaining({ requested: false })]);
    expect(recorded).toEqual([
      {
        connectorId: credentials.id,
        entry: expect.objectContaining({
          kind: "extract",
          outcome: "failed",
          message: expect.stringContaining("Customers"),
          reason: expect.stringContaining("Hull is unreachable"),
          hint: expect.stringContaining("Send current members"),
        }),
      },
    ]);
    expect(JSON.stringify(recorded)).not.toContain(credentials.secret);
  });
});

describe("sendCurrentMembers", () => {
  it("refuses unsynchronized or unknown segments, and an empty whitelist, asking nothing", async () => {
    const hull = fakeHull([customers]);
    await expect(
      sendCurrentMembers(deps, credentials, hull, [customers.id], { segmentIds: [vip.id] }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      sendCurrentMembers(deps, credentials, hull, [vip.id], { segmentIds: [vip.id] }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      sendCurrentMembers(deps, credentials, hull, [], { all: true }),
    ).rejects.toMatchObject({ status: 400 });
    expect(hull.requests).toEqual([]);
  });

  it("with all, still sends the segments Hull lists when a synchronized one was deleted in Hull", async () => {
    const hull = fakeHull([customers]);
    const outcomes = await sendCurrentMembers(deps, credentials, hull, [vip.id, customers.id], {
      all: true,
    });
    expect(outcomes).toEqual([
      { segment_id: customers.id, name: "Customers", members: 2, requested: true },
      {
        segment_id: vip.id,
        name: vip.id,
        requested: false,
        error: expect.stringContaining("no longer has segment"),
      },
    ]);
    expect(hull.requests).toHaveLength(1);
  });

  it("asks for every synchronized segment with all", async () => {
    const hull = fakeHull([customers, vip]);
    const outcomes = await sendCurrentMembers(deps, credentials, hull, [customers.id, vip.id], {
      all: true,
    });
    expect(outcomes.map((outcome) => outcome.requested)).toEqual([true, true]);
    expect(hull.requests).toHaveLength(2);
  });
});
