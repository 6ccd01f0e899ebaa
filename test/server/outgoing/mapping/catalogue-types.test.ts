import { describe, expect, it } from "vitest";
import type { IntercomDataType } from "../../../../server/outgoing/mapping/intercom-value";
import { mapUserToContact } from "../../../../server/outgoing/mapping/user-to-contact";
import { user } from "../builders";

/**
 * Issue 15 class 5: a value is normalised to the type the data attribute has in Intercom's
 * catalogue, so two users holding `42` and `"42"` both write the integer attribute.
 * [catalogue type, Hull value, value sent | "refused"]
 */
const TABLE: [IntercomDataType, unknown, unknown][] = [
  ["integer", 42, 42],
  ["integer", "42", 42],
  ["integer", " 42 ", 42],
  ["integer", "42.4", 42],
  ["integer", "forty-two", "refused"],
  ["float", "4.5", 4.5],
  ["float", 4, 4],
  ["string", 42, "42"],
  ["string", true, "true"],
  ["boolean", "true", true],
  ["boolean", "yes", "refused"],
  ["date", "1717243200000", 1717243200],
  ["date", 1717243200000, 1717243200],
  ["date", "2024-06-01T12:00:00Z", 1717243200],
];

describe("values normalised to the catalogue's type", () => {
  it.each(TABLE)("%s attribute, Hull value %j → %j", (type, value, expected) => {
    const mapped = mapUserToContact({
      user: user({ score: value }),
      rows: [{ hull: "score", name: "score", overwrite: true }],
      customTypes: new Map([["score", type]]),
      intercom: "new",
    });
    expect(mapped.missing).toEqual([]);
    if (expected === "refused") {
      expect(mapped.contact.custom_attributes).toBeUndefined();
      expect(mapped.warnings).toEqual([expect.stringContaining(`${type} expected`)]);
    } else {
      expect(mapped.contact.custom_attributes).toEqual({ score: expected });
    }
  });
});
