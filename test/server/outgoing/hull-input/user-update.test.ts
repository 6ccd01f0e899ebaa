import { describe, expect, it } from "vitest";
import { BadRequestError } from "../../../../server/errors";
import {
  extractLineSegmentIds,
  readUserReport,
  readUserUpdateMessage,
} from "../../../../server/outgoing/hull-input/user-update";

describe("readUserUpdateMessage(raw, segmentNames)", () => {
  it("removes the traits_ prefix from the user and its changes, as Hull's framework does", () => {
    const update = readUserUpdateMessage({
      user: { id: "u1", email: "a@b.c", "traits_intercom/id": "c1", traits_plan: "pro" },
      segments: [{ id: "s1", name: "Customers" }],
      segment_ids: ["s1"],
      events: [{ event: "Signed up" }],
      changes: {
        is_new: false,
        user: { traits_plan: ["free", "pro"] },
        segments: { entered: [{ id: "s1", name: "Customers" }] },
      },
    });
    expect(update.user).toMatchObject({
      id: "u1",
      "intercom/id": "c1",
      plan: "pro",
      segment_ids: ["s1"],
    });
    expect(update.segments).toEqual([{ id: "s1", name: "Customers" }]);
    expect(update.changes).toEqual({
      isNew: false,
      user: { plan: ["free", "pro"] },
      entered: [{ id: "s1", name: "Customers" }],
      left: [],
    });
  });

  it("names segments from the notification's segment list when the message does not", () => {
    const update = readUserUpdateMessage(
      { user: { id: "u1", segment_ids: ["s2"] } },
      new Map([["s2", "VIP"]]),
    );
    expect(update.segments).toEqual([{ id: "s2", name: "VIP" }]);
  });

  it("reads the user's segments from `segments` when no segment_ids are given (minihull's user reports)", () => {
    const update = readUserUpdateMessage({
      user: { id: "u1", email: "a@b.c" },
      segments: [{ id: "s1", name: "Customers" }],
      changes: {},
      events: [],
    });
    expect(update.user.segment_ids).toEqual(["s1"]);
    expect(update.segments).toEqual([{ id: "s1", name: "Customers" }]);
  });

  it("refuses a message without a user id, saying where", () => {
    expect(() => readUserUpdateMessage({ user: { email: "a@b.c" } })).toThrow(BadRequestError);
    expect(() => readUserUpdateMessage({ user: { email: "a@b.c" } })).toThrow(/user\.id/);
  });
});

describe("readUserReport(raw, segmentNames)", () => {
  it("reads an extract line: no changes, no events", () => {
    const update = readUserReport(
      { id: "u1", traits_plan: "pro", segment_ids: ["s1"] },
      new Map([["s1", "A"]]),
    );
    expect(update).toEqual({
      user: { id: "u1", plan: "pro", segment_ids: ["s1"] },
      segments: [{ id: "s1", name: "A" }],
      events: [],
    });
  });
});

describe("readUserReport(raw, segmentNames, callbackSegmentId)", () => {
  const names = new Map([
    ["s1", "A"],
    ["s2", "Customers"],
  ]);

  it("makes a line without segment_ids (minihull's `segments_id` lines) a member of the callback's segment", () => {
    const update = readUserReport({ id: "u1", email: "a@b.c", segments_id: ["s1"] }, names, "s2");
    expect(update.user.segment_ids).toEqual(["s2"]);
    expect(update.segments).toEqual([{ id: "s2", name: "Customers" }]);
  });

  it("adds the callback's segment to the line's own segments, once", () => {
    expect(readUserReport({ id: "u1", segment_ids: ["s1"] }, names, "s2").segments).toEqual([
      { id: "s1", name: "A" },
      { id: "s2", name: "Customers" },
    ]);
    expect(
      readUserReport({ id: "u1", segment_ids: ["s2", "s1", "s2"] }, names, "s2").user.segment_ids,
    ).toEqual(["s2", "s1"]);
  });

  it("leaves the line's segments as they are when the callback names none", () => {
    expect(readUserReport({ id: "u1", segment_ids: ["s1"] }, names).user.segment_ids).toEqual([
      "s1",
    ]);
    expect(readUserReport({ id: "u1" }, names, undefined).segments).toEqual([]);
  });
});

describe("extractLineSegmentIds(lineSegmentIds, callbackSegmentId)", () => {
  it.each([
    [undefined, "S", ["S"]],
    [[], "S", ["S"]],
    [["A"], "S", ["A", "S"]],
    [["S", "A"], "S", ["S", "A"]],
    [["A", "A"], undefined, ["A"]],
    [undefined, undefined, []],
    [["A"], "", ["A"]],
  ] as const)(
    "(%j, %j) is %j, as hull@0.14.2's extract handler builds it",
    (line, segment, ids) => {
      expect(extractLineSegmentIds(line, segment)).toEqual(ids);
    },
  );
});
