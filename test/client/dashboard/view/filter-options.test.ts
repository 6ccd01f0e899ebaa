import { describe, expect, it } from "vitest";
import {
  addValue,
  filterOptions,
  removeValue,
  selectedChips,
} from "../../../../client/dashboard/view/filter-options";

const options = [
  { value: "s1", label: "Paying customers" },
  { value: "s2", label: "Trial users" },
  { value: "s3", label: "Churned customers (EU)" },
];

describe("filterOptions(options, query)", () => {
  it("keeps every option for a blank query", () => {
    expect(filterOptions(options, "  ")).toEqual(options);
  });

  it("matches every word case-insensitively in label or value", () => {
    expect(filterOptions(options, "CUSTOMERS eu").map((o) => o.value)).toEqual(["s3"]);
    expect(filterOptions(options, "s2").map((o) => o.value)).toEqual(["s2"]);
  });
});

describe("selectedChips(options, selected, missingLabel)", () => {
  it("labels chips in selection order and keeps unknown values removable", () => {
    expect(selectedChips(options, ["s2", "gone"], (id) => `Unknown ${id}`)).toEqual([
      { value: "s2", label: "Trial users" },
      { value: "gone", label: "Unknown gone" },
    ]);
  });
});

describe("addValue(selected, value) and removeValue(selected, value)", () => {
  it("adds a trimmed value once", () => {
    expect(addValue(["a"], " b ")).toEqual(["a", "b"]);
  });

  it("returns the same array for a duplicate or a blank value", () => {
    const selected = ["a"];
    expect(addValue(selected, "a")).toBe(selected);
    expect(addValue(selected, "   ")).toBe(selected);
  });

  it("removes a value", () => {
    expect(removeValue(["a", "b"], "a")).toEqual(["b"]);
  });
});
