/**
 * The validator the tests use is the full official description, with only the listed errata
 * resolved: these cases show that it refuses what the description refuses.
 */
import { describe, expect, it } from "vitest";
import { intercomRequestProblems, intercomResponseProblems } from "../../helpers/intercom-contract";
import { errata } from "../../helpers/intercom-description-errata";

describe("validation against the full official description", () => {
  it("knows every path of the description, not only the ones the connector uses", () => {
    expect(
      intercomResponseProblems("GET", "/tags/123", 200, { type: "tag", id: "1", name: "A" }),
    ).toEqual([]);
    expect(
      intercomResponseProblems("GET", "/segments", 200, { type: "segment.list", segments: [] }),
    ).toEqual([]);
    expect(intercomResponseProblems("GET", "/no/such/path", 200, {})).toEqual([
      "no documented path matches /no/such/path",
    ]);
  });

  it("refuses wrong shapes and types", () => {
    expect(intercomResponseProblems("GET", "/tags/123", 200, { type: "tag", id: 1 })).not.toEqual(
      [],
    );
    expect(intercomRequestProblems("POST", "/contacts/search", { pagination: {} })).not.toEqual([]);
    expect(intercomResponseProblems("GET", "/contacts/abc", 404, { errors: "nope" })).not.toEqual(
      [],
    );
  });

  it("takes the event metadata kinds the description's text lists, and no other objects", () => {
    const event = (metadata: unknown) => ({
      event_name: "ordered",
      created_at: 1_767_000_000,
      user_id: "u-1",
      metadata,
    });
    expect(
      intercomRequestProblems(
        "POST",
        "/events",
        event({
          source: "desktop",
          load: 3.67,
          contact_date: 1_392_036_272,
          article: { url: "https://example.org/ab1de.html", value: "the dude abides" },
          price: { amount: 34_999, currency: "eur" },
        }),
      ),
    ).toEqual([]);
    expect(
      intercomRequestProblems("POST", "/events", event({ nested: { a: { b: 1 } } })),
    ).not.toEqual([]);
    expect(intercomRequestProblems("POST", "/events", event({ list: [1, 2] }))).not.toEqual([]);
  });

  it("takes the bulk tag payload its own example shows, and refuses one without users' ids", () => {
    const tagUsers = { name: "Customers", users: [{ id: "5f7f0d217289f8d2f4262080" }] };
    expect(intercomRequestProblems("POST", "/tags", tagUsers)).toEqual([]);
    expect(intercomRequestProblems("POST", "/tags", { name: "Customers" })).toEqual([]);
    expect(intercomRequestProblems("POST", "/tags", { name: "A", users: [{ id: 5 }] })).not.toEqual(
      [],
    );
    expect(intercomRequestProblems("POST", "/tags", { users: [{ id: "x" }] })).not.toEqual([]);
  });

  it("lists each self-contradiction once, with evidence and a resolution", () => {
    expect(new Set(errata.map((erratum) => erratum.id)).size).toBe(errata.length);
    for (const erratum of errata) {
      expect(erratum.evidence.length, erratum.id).toBeGreaterThan(0);
      expect(erratum.resolution, erratum.id).not.toBe("");
    }
  });
});
