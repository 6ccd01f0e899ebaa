import { describe, expect, it } from "vitest";
import { readAccountReport } from "../../../server/accounts/outgoing/account-update";

describe("readAccountReport(report, names, callbackSegmentId)", () => {
  const names = new Map([
    ["a1", "Prospects"],
    ["a2", "Gold"],
  ]);

  it("makes a line without segment_ids a member of the account segment the callback names", () => {
    expect(readAccountReport({ id: "acc1", domain: "x.io" }, names, "a2").segments).toEqual([
      { id: "a2", name: "Gold" },
    ]);
  });

  it("adds the callback's account segment to the line's own, once", () => {
    expect(
      readAccountReport({ id: "acc1", segment_ids: ["a1", "a2"] }, names, "a2").segments,
    ).toEqual([
      { id: "a1", name: "Prospects" },
      { id: "a2", name: "Gold" },
    ]);
  });

  it("keeps the line's segments when the callback names none", () => {
    expect(readAccountReport({ id: "acc1", segment_ids: ["a1", "a1"] }, names).segments).toEqual([
      { id: "a1", name: "Prospects" },
    ]);
  });
});
