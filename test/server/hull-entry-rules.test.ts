import { describe, expect, it } from "vitest";
import type { FirehoseEntry } from "../../server/clients/hull/types";
import { checkEntry, isIdentifier, usableClaims } from "../../server/hull-entry-rules";

describe("isIdentifier(value)", () => {
  it.each([
    ["abc", true],
    [" a ", true],
    ["", false],
    ["   ", false],
    ["\t\n", false],
    [undefined, false],
    [12, false],
  ])("%j → %s", (value, expected) => {
    expect(isIdentifier(value)).toBe(expected);
  });
});

describe("usableClaims(claims)", () => {
  it("drops empty and whitespace claims and keeps the others as they are", () => {
    expect(
      usableClaims({ anonymous_id: "intercom:1", external_id: "  ", email: "", id: " x " }),
    ).toEqual({ anonymous_id: "intercom:1", id: " x " });
  });
});

describe("checkEntry(entry)", () => {
  const traits = (claims: FirehoseEntry["claims"]): FirehoseEntry => ({
    type: "traits",
    claims,
    body: { "intercom/name": "Ada" },
  });

  it("cleans a contact whose external_id is whitespace (issue 16, finding 2)", () => {
    expect(checkEntry(traits({ anonymous_id: "intercom:1", external_id: " " }))).toEqual({
      ok: true,
      entry: traits({ anonymous_id: "intercom:1" }),
    });
  });

  it.each<[string, FirehoseEntry]>([
    ["no claim at all", traits({})],
    ["only blank claims", traits({ external_id: " ", email: "" })],
    [
      "an alias without an anonymous_id",
      { type: "alias", claims: { email: "a@x.io" }, body: { anonymous_id: " " } },
    ],
    [
      "an event without a name",
      {
        type: "track",
        claims: { email: "a@x.io" },
        body: {
          event: "",
          properties: {},
          event_id: "e",
          created_at: "2026-01-01T00:00:00Z",
          source: "intercom",
        },
      },
    ],
  ])("refuses %s with a reason", (_title, entry) => {
    const checked = checkEntry(entry);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.reason).toMatch(/\w+/);
  });
});
