import { describe, expect, it } from "vitest";
import {
  extractOutcomeLines,
  saveMembersPlan,
  segmentLabel,
  segmentSizeText,
} from "../../../../client/dashboard/view/members-plan";

const segments = [
  { id: "a", name: "Customers", size: 2 },
  { id: "b", name: "VIP", size: 1 },
  { id: "c", name: "Uncounted" },
];

describe("saveMembersPlan(saved, current, segments)", () => {
  it("says what Save will send for each segment added", () => {
    expect(saveMembersPlan([], ["a"], segments)).toBe(
      "Saving will send the 2 current members of Customers to Intercom.",
    );
    expect(saveMembersPlan(["a"], ["a", "b", "c"], segments)).toBe(
      "Saving will send the 1 current member of VIP and the current members of Uncounted to Intercom.",
    );
  });

  it("says nothing when no segment is added (kept, removed or reordered)", () => {
    expect(saveMembersPlan(["a", "b"], ["b", "a"], segments)).toBeUndefined();
    expect(saveMembersPlan(["a", "b"], ["a"], segments)).toBeUndefined();
  });

  it("names a segment Hull no longer lists by its id", () => {
    expect(saveMembersPlan([], ["zz"], segments)).toBe(
      "Saving will send the current members of zz to Intercom.",
    );
  });
});

describe("segmentLabel(segment)", () => {
  it("shows Hull's member count when known", () => {
    expect(segmentLabel(segments[0]!)).toBe("Customers · 2 users");
    expect(segmentLabel(segments[1]!)).toBe("VIP · 1 user");
    expect(segmentLabel(segments[2]!)).toBe("Uncounted");
    expect(segmentSizeText(0)).toBe("0 users");
    expect(segmentSizeText(undefined)).toBeUndefined();
  });
});

describe("extractOutcomeLines(extracts)", () => {
  it("separates requests Hull took from the ones it could not", () => {
    expect(
      extractOutcomeLines([
        { segment_id: "a", name: "Customers", members: 2, requested: true },
        { segment_id: "b", name: "VIP", requested: false, error: "Hull is unreachable" },
      ]),
    ).toEqual({
      good: [
        "Hull is preparing the 2 current members of Customers; they are sent to Intercom as a job (see Overview).",
      ],
      bad: ["Hull is unreachable"],
    });
  });
});
