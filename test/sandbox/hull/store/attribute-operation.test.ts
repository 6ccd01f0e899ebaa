import { describe, expect, it } from "vitest";
import {
  applyAttributeWrite,
  parseAttributeWrite,
} from "../../../../sandbox/hull/store/attribute-operation.js";

describe("parseAttributeWrite and applyAttributeWrite", () => {
  it.each([
    ["a plain value sets", undefined, "x", "x"],
    ["set replaces", 1, { operation: "set", value: 2 }, 2],
    [
      "setIfNull fills an empty attribute",
      undefined,
      { operation: "setIfNull", value: "Bob" },
      "Bob",
    ],
    ["setIfNull keeps an existing value", "Ann", { operation: "setIfNull", value: "Bob" }, "Ann"],
    ["inc adds to a number", 2, { operation: "inc", value: 3 }, 5],
    ["inc starts from zero", undefined, { operation: "inc", value: 1 }, 1],
    ["dec subtracts", 5, { operation: "dec", value: 2 }, 3],
  ])("%s", (_title, current, raw, expected) => {
    const write = parseAttributeWrite(raw);
    expect(typeof write).toBe("object");
    expect(applyAttributeWrite(current, write as Exclude<typeof write, string>)).toEqual(expected);
  });

  it("refuses unknown operations and non-numeric inc values", () => {
    expect(parseAttributeWrite({ operation: "append", value: 1 })).toMatch(/unknown operation/);
    expect(parseAttributeWrite({ operation: "inc", value: "1" })).toMatch(/numeric/);
  });
});
