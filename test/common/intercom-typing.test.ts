import { describe, expect, it } from "vitest";
import { toScalar } from "../../client/mapping/metadata-value";
import {
  dateSecondsFor,
  isDateKey,
  toUnixSeconds,
  type KeyKind,
} from "../../common/intercom-typing";
import { mapEventToDataEvent } from "../../server/outgoing/mapping/event-to-data-event";
import { mapUserToContact } from "../../server/outgoing/mapping/user-to-contact";
import { user } from "../server/outgoing/builders";

/**
 * Issue 15 class 3: ONE table, checked on the rule itself, on the browser plugin's mapping and on
 * the server's mapping (event metadata; a new custom attribute, typed as the server creates it).
 * [key, kind, Hull value, what Intercom gets]
 */
const TABLE: [string, KeyKind, unknown, string | number | boolean][] = [
  // Event metadata: a date under *_date, in seconds, whatever its form.
  ["ship_date", "metadata", 1717243200000, 1717243200],
  ["order_date", "metadata", "1717243200000", 1717243200],
  ["delivery_date", "metadata", "2024-06-01T12:00:00Z", 1717243200],
  ["pickup_date", "metadata", 1717243200, 1717243200],
  ["hull_date", "metadata", "2024-06-01 12:00:00 UTC", 1717243200],
  // Not a metadata date key: the value keeps its type.
  ["paid_at", "metadata", 1717243200000, 1717243200000],
  ["ordered", "metadata", "2024-06-01T12:00:00Z", "2024-06-01T12:00:00Z"],
  ["note_date", "metadata", "tomorrow", "tomorrow"],
  // Data attributes: a date under *_at or *_date, in seconds.
  ["renewal_at", "attribute", 1717243200000, 1717243200],
  ["trial_ends_at", "attribute", "2024-06-01T12:00:00Z", 1717243200],
  ["renewal_date", "attribute", "1717243200", 1717243200],
  // A digit string is read as the same number would be, negative epochs (before 1970) included.
  ["born_at", "attribute", "-315619200", -315619200],
  ["born_date", "attribute", "-315619200000", -315619200],
  ["refund_date", "metadata", "-86400", -86400],
  // A date-time without an offset is UTC, as Hull's own form is, not the reader's local time.
  ["local_date", "metadata", "2024-06-01T12:00:00", 1717243200],
  ["starts_at", "attribute", "2024-06-01T12:00", 1717243200],
  // Not an attribute date key: the browser and the server both keep the string.
  ["birthday", "attribute", "1990-05-17T00:00:00Z", "1990-05-17T00:00:00Z"],
  ["score", "attribute", 42, 42],
  ["vip", "attribute", true, true],
];

/**
 * Intercom holds no lists: items are joined, with "," for attributes (the classic connector's
 * rule, hull-intercom-classic.md "Arrays joined with ','"), ", " in event metadata. Checked on the
 * browser plugin and the server like TABLE (not on dateSecondsFor, which reads no lists).
 */
const LISTS: [string, KeyKind, unknown, string][] = [
  ["interests", "attribute", ["golf", "chess"], "golf,chess"],
  ["topics", "metadata", ["golf", "chess"], "golf, chess"],
];

describe("one typing rule, three paths", () => {
  it.each(TABLE)("%s (%s) %j → %j: the rule", (key, kind, value, expected) => {
    const seconds = dateSecondsFor(key, value, kind);
    expect(seconds ?? value).toEqual(expected);
  });

  it.each([
    ["ship_date", "metadata", true],
    ["paid_at", "metadata", false],
    ["renewal_at", "attribute", true],
    ["renewal_date", "attribute", true],
    ["birthday", "attribute", false],
    ["at", "attribute", false],
  ] as const)("%s is a date key for %s: %s", (key, kind, expected) => {
    expect(isDateKey(key, kind)).toBe(expected);
  });

  it.each([...TABLE, ...LISTS])(
    "%s (%s) %j → %j: the browser plugin",
    (key, kind, value, expected) => {
      expect(toScalar(key, value, kind)).toEqual(expected);
    },
  );

  it.each([...TABLE, ...LISTS])("%s (%s) %j → %j: the server", (key, kind, value, expected) => {
    if (kind === "metadata") {
      const mapped = mapEventToDataEvent(
        {
          event: "Order shipped",
          created_at: "2024-06-01T12:00:00Z",
          properties: { [key]: value },
        },
        "c1",
      );
      expect(mapped.ok && mapped.event.metadata?.[key]).toEqual(expected);
    } else {
      // A custom attribute Intercom lacks: the server creates it with the type the rule gives.
      const mapped = mapUserToContact({
        user: user({ [key]: value }),
        rows: [{ hull: key, name: key, overwrite: true }],
        customTypes: new Map(),
        intercom: "new",
      });
      expect(mapped.contact.custom_attributes?.[key]).toEqual(expected);
      const dataType = mapped.missing[0]?.dataType;
      if (typeof expected === "number" && expected !== value) expect(dataType).toBe("date");
      else expect(dataType).not.toBe("date");
    }
  });

  it("reads a date-time without an offset as UTC wherever it runs (a browser's own zone)", () => {
    const zone = process.env.TZ;
    process.env.TZ = "Pacific/Auckland";
    try {
      expect(dateSecondsFor("local_date", "2024-06-01T12:00:00", "metadata")).toBe(1717243200);
      expect(toScalar("starts_at", "2024-06-01T12:00", "attribute")).toBe(1717243200);
      expect(toUnixSeconds("2024-06-01T12:00:00.5")).toBe(1717243200);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it("joins nested keys with _ in the browser and on the server", () => {
    const params = { cart: { total: 28 } };
    const server = mapEventToDataEvent(
      { event: "x", created_at: "2024-06-01T12:00:00Z", properties: params },
      "c1",
    );
    expect(server.ok && server.event.metadata).toEqual({ cart_total: 28 });
  });
});
