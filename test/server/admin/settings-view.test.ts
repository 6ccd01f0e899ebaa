import { describe, expect, it } from "vitest";
import { hullAttributeOptions, settingsView } from "../../../server/admin/settings-view";

describe("hullAttributeOptions(tree)", () => {
  it("lists the leaves of Hull's attribute tree without the traits_ prefix", () => {
    const tree = [
      { key: "email", text: "Email" },
      {
        key: "intercom",
        text: "intercom",
        children: [{ key: "traits_intercom/email", text: "intercom/email" }],
      },
      { key: "traits_plan" },
    ];
    expect(hullAttributeOptions(tree)).toEqual([
      { value: "email", label: "Email" },
      { value: "intercom/email", label: "intercom/email" },
      { value: "plan", label: "plan" },
    ]);
  });
});

describe("settingsView(connector, segments, tree)", () => {
  it("offers Hull's own events and the ones already chosen, once each", () => {
    const view = settingsView(
      { private_settings: { send_events: ["Left segment", "Signed up"] }, settings: {} },
      [{ id: "s1", name: "VIP", type: "users_segment" }],
      [],
    );
    expect(view.options.events).toEqual(["Entered segment", "Left segment", "Signed up"]);
    expect(view.options.segments).toEqual([{ id: "s1", name: "VIP" }]);
    expect(view.settings).toEqual({ show_messenger: true, alignment: "right" });
  });
});
