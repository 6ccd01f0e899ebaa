import { describe, expect, it } from "vitest";
import {
  mapTrackToMessenger,
  MAX_METADATA_KEYS,
  toMetadata,
} from "../../../client/mapping/track-to-messenger";

describe("mapTrackToMessenger({event, params})", () => {
  it("keeps the site's event name and flat properties as metadata", () => {
    expect(
      mapTrackToMessenger({ event: "Viewed product", params: { product: "Guji", price: 14 } }),
    ).toEqual({ name: "Viewed product", metadata: { product: "Guji", price: 14 } });
  });

  it.each(["hull.user.login", "hull.user.logout", "hull.facebook.share", "hull.app.init"])(
    "does not mirror Hull's own auto-tracked event %s",
    (event) => {
      expect(mapTrackToMessenger({ event, params: {} })).toBeNull();
    },
  );

  it.each([null, undefined, {}, { event: "" }, { event: "   " }, { event: 42 }])(
    "ignores a payload without an event name (%j)",
    (payload) => {
      expect(mapTrackToMessenger(payload as never)).toBeNull();
    },
  );

  it("gives empty metadata when params are missing or not an object", () => {
    expect(mapTrackToMessenger({ event: "Signed up" })).toEqual({
      name: "Signed up",
      metadata: {},
    });
    expect(mapTrackToMessenger({ event: "Signed up", params: "x" })?.metadata).toEqual({});
  });
});

describe("toMetadata(params)", () => {
  it("flattens nested objects into keys joined with _, as the server does", () => {
    expect(toMetadata({ cart: { total: 28, items: { count: 2 } }, coupon: "SPRING" })).toEqual({
      cart_total: 28,
      cart_items_count: 2,
      coupon: "SPRING",
    });
  });

  it("keeps at most 10 keys, the first ones in property order", () => {
    const params = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`k${i}`, i]));
    const metadata = toMetadata(params);
    expect(Object.keys(metadata)).toHaveLength(MAX_METADATA_KEYS);
    expect(Object.keys(metadata)).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`));
  });

  it("turns dates into Unix seconds only under metadata date keys (*_date)", () => {
    expect(
      toMetadata({
        ship_date: 1717243200000,
        order_date: "1717243200000",
        delivery_date: "2024-06-01T12:00:00Z",
        paid_date: new Date("2024-06-01T12:00:00.000Z"),
        shipped: new Date("2024-03-01T10:00:00.000Z"),
        ordered: "2024-03-01T10:00:00Z",
        paid_at: 1709287200000,
        day: "2024-03-01",
      }),
    ).toEqual({
      ship_date: 1717243200,
      order_date: 1717243200,
      delivery_date: 1717243200,
      paid_date: 1717243200,
      shipped: "2024-03-01T10:00:00.000Z",
      ordered: "2024-03-01T10:00:00Z",
      paid_at: 1709287200000,
      day: "2024-03-01",
    });
  });

  it("keeps Intercom's rich link and price objects whole", () => {
    expect(
      toMetadata({
        order: { url: "https://shop.example/o/1", value: "Order 1" },
        price: { amount: 1400, currency: "eur" },
      }),
    ).toEqual({
      order: { url: "https://shop.example/o/1", value: "Order 1" },
      price: { amount: 1400, currency: "eur" },
    });
  });

  it("joins arrays and drops values with no flat form", () => {
    expect(
      toMetadata({
        tags: ["light", "filter", { nested: true }],
        empty: [],
        missing: null,
        nothing: undefined,
        fn: () => 1,
        nan: Number.NaN,
        ok: true,
      }),
    ).toEqual({ tags: "light, filter", ok: true });
  });
});
