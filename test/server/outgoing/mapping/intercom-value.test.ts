import { describe, expect, it } from "vitest";
import {
  cutText,
  inferDataType,
  toIntercomValue,
  type IntercomDataType,
} from "../../../../server/outgoing/mapping/intercom-value";
import { toUnixSeconds } from "../../../../common/intercom-typing";

describe("toUnixSeconds(value)", () => {
  const cases: [unknown, number | undefined][] = [
    ["2018-10-08 16:33:15 UTC", 1539016395],
    ["2018-10-08T16:33:15Z", 1539016395],
    ["2018-10-08T16:33:15.999Z", 1539016395],
    [1539016395, 1539016395],
    [1539016395123, 1539016395],
    ["1539016395", 1539016395],
    ["next tuesday", undefined],
    [true, undefined],
    [null, undefined],
  ];
  it.each(cases)("reads %j as %j", (input, expected) => {
    expect(toUnixSeconds(input)).toBe(expected);
  });
});

describe("toIntercomValue(value, type)", () => {
  const cases: [unknown, IntercomDataType, unknown][] = [
    ["12", "integer", 12],
    [12.6, "integer", 13],
    ["1.5", "float", 1.5],
    ["false", "boolean", false],
    [["a", "b"], "string", "a,b"],
    [true, "string", "true"],
    ["2024-01-01T00:00:00Z", "date", 1704067200],
  ];
  it.each(cases)("makes %j a valid %s", (input, type, expected) => {
    expect(toIntercomValue(input, type)).toMatchObject({ ok: true, value: expected });
  });

  const refused: [unknown, IntercomDataType][] = [
    ["many", "integer"],
    ["yes", "boolean"],
    ["soon", "date"],
  ];
  it.each(refused)("refuses %j as %s", (input, type) => {
    expect(toIntercomValue(input, type).ok).toBe(false);
  });
});

describe("inferDataType(hullName, value)", () => {
  it.each([
    ["visits", 3, "integer"],
    ["ratio", 0.5, "float"],
    ["beta", false, "boolean"],
    ["trial_ends_at", "2024-01-01T00:00:00Z", "date"],
    ["nickname", "2024-01-01T00:00:00Z", "string"],
    ["tags", ["a"], "string"],
  ] as const)("types %s = %j as %s", (name, value, expected) => {
    expect(inferDataType(name, value)).toBe(expected);
  });
});

describe("cutText(text)", () => {
  it("leaves short text alone and cuts long text to the limit with a mark", () => {
    expect(cutText("short")).toEqual({ value: "short", wasCut: false });
    const cut = cutText("y".repeat(1000));
    expect(cut.value).toHaveLength(255);
    expect(cut.value.endsWith(" [...]")).toBe(true);
  });
});
