import { describe, expect, it } from "vitest";
import type { IntercomContact } from "../../../../server/clients/intercom/types";
import {
  intercomValuesFromContact,
  intercomValuesFromHull,
  mapUserToContact,
  type AttributeMappingInput,
} from "../../../../server/outgoing/mapping/user-to-contact";
import type { IntercomDataType } from "../../../../server/outgoing/mapping/intercom-value";
import { user } from "../builders";

const types = new Map<string, IntercomDataType>([
  ["plan", "string"],
  ["seats", "integer"],
  ["trial_ends_at", "date"],
  ["score", "float"],
  ["beta", "boolean"],
]);

function map(
  rows: AttributeMappingInput["rows"],
  attributes: Record<string, unknown>,
  intercom: AttributeMappingInput["intercom"] = "new",
) {
  return mapUserToContact({ user: user(attributes), rows, customTypes: types, intercom });
}

const row = (hull: string, name: string, overwrite = true) => ({ hull, name, overwrite });

describe("mapUserToContact(input): where each value goes and how it is made valid", () => {
  const cases: [string, AttributeMappingInput["rows"], Record<string, unknown>, unknown][] = [
    [
      "a standard field goes top level",
      [row("full_name", "name")],
      { full_name: "Ada" },
      { name: "Ada" },
    ],
    [
      "another name goes in custom_attributes",
      [row("plan", "plan")],
      { plan: "pro" },
      { custom_attributes: { plan: "pro" } },
    ],
    [
      "an explicit custom_attributes. prefix stays custom",
      [row("x", "custom_attributes.plan")],
      { x: "pro" },
      { custom_attributes: { plan: "pro" } },
    ],
    [
      "the traits_ prefix of a Hull name is ignored",
      [row("traits_plan", "plan")],
      { plan: "pro" },
      { custom_attributes: { plan: "pro" } },
    ],
    [
      "a date attribute becomes Unix seconds",
      [row("trial", "trial_ends_at")],
      { trial: "2024-01-02T03:04:05Z" },
      { custom_attributes: { trial_ends_at: 1704164645 } },
    ],
    [
      "a standard date field becomes Unix seconds",
      [row("signup", "signed_up_at")],
      { signup: "2024-01-02T03:04:05.000Z" },
      { signed_up_at: 1704164645 },
    ],
    [
      "an integer attribute takes a numeric string",
      [row("seats", "seats")],
      { seats: "12" },
      { custom_attributes: { seats: 12 } },
    ],
    [
      "a float attribute keeps decimals",
      [row("score", "score")],
      { score: 4.5 },
      { custom_attributes: { score: 4.5 } },
    ],
    [
      "a boolean attribute takes 'true'",
      [row("beta", "beta")],
      { beta: "true" },
      { custom_attributes: { beta: true } },
    ],
    [
      "an array is joined with commas",
      [row("tags", "plan")],
      { tags: ["a", "b", 3] },
      { custom_attributes: { plan: "a,b,3" } },
    ],
    [
      "an object becomes JSON",
      [row("address", "plan")],
      { address: { city: "Paris" } },
      { custom_attributes: { plan: '{"city":"Paris"}' } },
    ],
    [
      "a number for a string attribute becomes text",
      [row("n", "plan")],
      { n: 42 },
      { custom_attributes: { plan: "42" } },
    ],
    ["a missing Hull value writes nothing", [row("plan", "plan")], {}, {}],
    ["a null Hull value writes nothing", [row("plan", "plan")], { plan: null }, {}],
    ["a read-only Intercom field is never written", [row("id", "created_at")], { id: "x" }, {}],
    [
      "external_id is identity, not a mapped attribute",
      [row("uid", "external_id")],
      { uid: "x" },
      {},
    ],
    ["an avatar must be a URL", [row("pic", "avatar")], { pic: "not a url" }, {}],
    ["a value of the wrong type is left out", [row("seats", "seats")], { seats: "many" }, {}],
    // Issue 22.1 kind: a prototype name is not one of Intercom's standard fields.
    ...["constructor", "toString", "hasOwnProperty"].map((name): (typeof cases)[number] => [
      `a custom attribute named "${name}" goes in custom_attributes`,
      [row("v", name)],
      { v: "x" },
      { custom_attributes: { [name]: "x" } },
    ]),
  ];
  it.each(cases)("%s", (_title, rows, attributes, expected) => {
    expect(map(rows, attributes).contact).toEqual(expected);
  });

  it("cuts text longer than 255 characters and says so", () => {
    const mapped = map([row("bio", "plan")], { bio: "x".repeat(300) });
    const written = mapped.contact.custom_attributes?.plan as string;
    expect(written).toHaveLength(255);
    expect(written.endsWith(" [...]")).toBe(true);
    expect(mapped.warnings.join()).toContain("cut to 255");
  });

  it("lists custom attributes Intercom lacks, typed from the value", () => {
    const mapped = map(
      [
        row("visits", "visit_count"),
        row("ok", "is_ok"),
        row("seen_at", "seen_at"),
        row("ratio", "ratio"),
      ],
      { visits: 3, ok: true, seen_at: "2024-01-01T00:00:00Z", ratio: 0.5 },
    );
    expect(mapped.missing).toEqual([
      { name: "visit_count", dataType: "integer" },
      { name: "is_ok", dataType: "boolean" },
      { name: "seen_at", dataType: "date" },
      { name: "ratio", dataType: "float" },
    ]);
    expect(mapped.contact.custom_attributes).toMatchObject({ seen_at: 1704067200 });
  });
});

describe("mapUserToContact(input): Hull overwrites Intercom, or not", () => {
  const intercomHas = (values: Record<string, unknown>) =>
    intercomValuesFromContact({
      type: "contact",
      id: "c1",
      role: "user",
      email: "ada@example.com",
      external_id: null,
      name: (values.name as string) ?? null,
      custom_attributes: values,
    } as IntercomContact);

  const cases: [string, boolean, Record<string, unknown>, unknown][] = [
    [
      "overwrite on replaces Intercom's value",
      true,
      { plan: "free" },
      { custom_attributes: { plan: "pro" } },
    ],
    ["overwrite off keeps Intercom's value", false, { plan: "free" }, {}],
    [
      "overwrite off fills an empty Intercom value",
      false,
      {},
      { custom_attributes: { plan: "pro" } },
    ],
    [
      "overwrite off fills an empty-string Intercom value",
      false,
      { plan: "" },
      { custom_attributes: { plan: "pro" } },
    ],
    ["an unchanged value is not written again", true, { plan: "pro" }, {}],
  ];
  it.each(cases)("%s", (_title, overwrite, current, expected) => {
    expect(
      map([row("plan", "plan", overwrite)], { plan: "pro" }, intercomHas(current)).contact,
    ).toEqual(expected);
  });

  it("overwrite off applies to standard fields too", () => {
    expect(
      map([row("n", "name", false)], { n: "Ada" }, intercomHas({ name: "Countess" })).contact,
    ).toEqual({});
  });

  it("asks for Intercom's value when Hull does not know it and overwrite is off", () => {
    const mapped = map(
      [row("plan", "plan", false)],
      { plan: "pro" },
      intercomValuesFromHull(user(), []),
    );
    expect(mapped.unknown).toEqual(["plan"]);
    expect(mapped.contact).toEqual({});
  });

  it("writes without asking when overwrite is on, even if Intercom's value is unknown", () => {
    const mapped = map(
      [row("plan", "plan", true)],
      { plan: "pro" },
      intercomValuesFromHull(user(), []),
    );
    expect(mapped.unknown).toEqual([]);
    expect(mapped.contact).toEqual({ custom_attributes: { plan: "pro" } });
  });

  it("reads Intercom's value from the intercom/ group Hull keeps", () => {
    const known = intercomValuesFromHull(user({ "intercom/name": "Countess" }), []);
    expect(map([row("n", "name", false)], { n: "Ada" }, known).contact).toEqual({});
  });

  it("a contact without a custom attribute named like a prototype member holds no value for it", () => {
    const contact = { type: "contact", id: "c1", custom_attributes: {} } as IntercomContact;
    const lookup = intercomValuesFromContact(contact);
    for (const name of ["constructor", "toString", "__proto__"]) {
      expect(lookup(name, true)).toEqual({ known: true, value: undefined });
    }
    // Overwrite off writes where Intercom's value is empty: an inherited member is not a value.
    expect(map([row("v", "constructor", false)], { v: "x" }, lookup).contact).toEqual({
      custom_attributes: { constructor: "x" },
    });
  });

  it("reads a custom attribute's Intercom value from the incoming mapping's Hull attribute", () => {
    const lookup = intercomValuesFromHull(user({ "intercom/tier": "gold" }), [
      { name: "plan", hull: "tier" },
    ]);
    expect(lookup("plan", true)).toEqual({ known: true, value: "gold" });
    expect(lookup("seats", true)).toEqual({ known: false });
  });
});
