import { describe, expect, it } from "vitest";
import { mapTraitsToUpdate } from "../../../client/mapping/traits-to-update";

describe("mapTraitsToUpdate(traits)", () => {
  it("passes plain values through as attributes", () => {
    expect(mapTraitsToUpdate({ favorite_roast: "light", cups: 3, vip: false })).toEqual({
      favorite_roast: "light",
      cups: 3,
      vip: false,
    });
  });

  it("unwraps {value, operation} objects for set and setIfNull", () => {
    expect(
      mapTraitsToUpdate({
        plan: { value: "pro", operation: "set" },
        source: { value: "ads", operation: "setIfNull" },
        city: { value: "Lyon" },
      }),
    ).toEqual({ plan: "pro", source: "ads", city: "Lyon" });
  });

  it("leaves out increments, whose result only Hull knows", () => {
    expect(mapTraitsToUpdate({ visits: { value: 1, operation: "inc" }, plan: "pro" })).toEqual({
      plan: "pro",
    });
    expect(mapTraitsToUpdate({ visits: { value: 1, operation: "increment" } })).toBeNull();
  });

  it("never lets a trait change the identity or the connector's settings", () => {
    expect(
      mapTraitsToUpdate({
        user_id: "someone-else",
        email: "someone@else.example",
        user_hash: "forged",
        intercom_user_jwt: "forged",
        app_id: "other",
        hide_default_launcher: true,
        name: "Ada",
      }),
    ).toEqual({ name: "Ada" });
  });

  it("renames grouped attributes so Intercom accepts the name", () => {
    expect(mapTraitsToUpdate({ "shop/plan": "pro", "a.b": 1 })).toEqual({
      shop_plan: "pro",
      a_b: 1,
    });
  });

  it("turns dates into Unix seconds under date keys only, and keeps null to clear an attribute", () => {
    expect(
      mapTraitsToUpdate({
        trial_ends_at: "2024-03-01T10:00:00Z",
        renewal_at: 1717243200000,
        birthday: "1990-05-17T00:00:00Z",
        nickname: null,
      }),
    ).toEqual({
      trial_ends_at: 1709287200,
      renewal_at: 1717243200,
      birthday: "1990-05-17T00:00:00Z",
      nickname: null,
    });
  });

  it("drops nested objects and returns null when nothing is left", () => {
    expect(mapTraitsToUpdate({ address: { city: "Lyon" } })).toBeNull();
    expect(mapTraitsToUpdate("favorite_roast")).toBeNull();
    expect(mapTraitsToUpdate(null)).toBeNull();
  });
});
