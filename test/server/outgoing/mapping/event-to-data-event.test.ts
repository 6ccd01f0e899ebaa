import { describe, expect, it } from "vitest";
import {
  isSendableEvent,
  mapEventToDataEvent,
} from "../../../../server/outgoing/mapping/event-to-data-event";
import type { HullEvent } from "../../../../server/outgoing/hull-input/user-update";

const event = (
  properties: Record<string, unknown>,
  overrides: Partial<HullEvent> = {},
): HullEvent => ({
  event: "Order placed",
  created_at: "2024-01-02 03:04:05 UTC",
  event_source: "track",
  properties,
  ...overrides,
});

function metadataOf(properties: Record<string, unknown>) {
  const mapped = mapEventToDataEvent(event(properties), "c1");
  if (!mapped.ok) throw new Error(mapped.reason);
  return mapped.event.metadata;
}

describe("isSendableEvent(event, sendEvents)", () => {
  const cases: [string, HullEvent, boolean][] = [
    ["sends an event named in send_events", event({}), true],
    ["skips an event not named", event({}, { event: "Page viewed" }), false],
    [
      "never echoes an event that came from Intercom",
      event({}, { event_source: "intercom" }),
      false,
    ],
    [
      "never echoes an event whose context says Intercom",
      event({}, { context: { source: "intercom" } }),
      false,
    ],
  ];
  it.each(cases)("%s", (_title, input, expected) => {
    expect(isSendableEvent(input, ["Order placed"])).toBe(expected);
  });
});

describe("mapEventToDataEvent(event, contactId)", () => {
  it("names the contact by Intercom id and gives created_at in seconds", () => {
    expect(mapEventToDataEvent(event({}), "c1")).toEqual({
      ok: true,
      event: { event_name: "Order placed", created_at: 1704164645, id: "c1" },
      droppedKeys: [],
      cutKeys: [],
    });
  });

  const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ["keeps strings and numbers", { sku: "A1", quantity: 2 }, { quantity: 2, sku: "A1" }],
    [
      "flattens nested objects with underscores",
      { plan: { name: "pro", seats: 3 } },
      { plan_name: "pro", plan_seats: 3 },
    ],
    ["joins arrays", { items: ["a", "b"] }, { items: "a, b" }],
    ["writes booleans as text", { gift: true }, { gift: "true" }],
    ["drops nulls", { coupon: null, sku: "A1" }, { sku: "A1" }],
    [
      "turns a _date value into Unix seconds",
      { ship_date: "2024-01-02T03:04:05Z" },
      { ship_date: 1704164645 },
    ],
    [
      "makes revenue a monetary amount in cents",
      { revenue: 349.99, currency: "EUR" },
      { price: { amount: 34999, currency: "eur" } },
    ],
    [
      "assumes dollars when no currency is given",
      { price: "12.5" },
      { price: { amount: 1250, currency: "usd" } },
    ],
  ];
  it.each(cases)("%s", (_title, properties, expected) => {
    expect(metadataOf(properties)).toEqual(expected);
  });

  it("keeps 10 metadata keys, the amount first, then alphabetically, and names the rest", () => {
    const properties = Object.fromEntries(
      Array.from({ length: 12 }, (_, index) => [`k${String(index).padStart(2, "0")}`, index]),
    );
    const mapped = mapEventToDataEvent(event({ ...properties, revenue: 10 }), "c1");
    if (!mapped.ok) throw new Error(mapped.reason);
    expect(Object.keys(mapped.event.metadata!)).toEqual([
      "price",
      ...Array.from({ length: 9 }, (_, index) => `k0${index}`),
    ]);
    expect(mapped.droppedKeys).toEqual(["k09", "k10", "k11"]);
  });

  it("gives the same keys in the same order whatever order properties came in", () => {
    const one = metadataOf({ b: 1, a: 2, c: { y: 1, x: 2 } });
    const two = metadataOf({ c: { x: 2, y: 1 }, a: 2, b: 1 });
    expect(Object.keys(one!)).toEqual(Object.keys(two!));
  });

  it("cuts long text to 255 characters", () => {
    const mapped = mapEventToDataEvent(event({ note: "x".repeat(400) }), "c1");
    if (!mapped.ok) throw new Error(mapped.reason);
    expect((mapped.event.metadata!.note as string).length).toBe(255);
    expect(mapped.cutKeys).toEqual(["note"]);
  });

  it("refuses an event without a readable created_at", () => {
    expect(mapEventToDataEvent(event({}, { created_at: "yesterday" }), "c1").ok).toBe(false);
  });
});
