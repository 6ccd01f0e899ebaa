import { describe, expect, it } from "vitest";
import { hullAttributeOptions, settingsView } from "../../../server/admin/settings-view";

describe("hullAttributeOptions(tree)", () => {
  it("lists the leaves of Hull's attribute tree ({id, text, type}) without the traits_ prefix", () => {
    // Hull's shape: minihull src/router.js serves leaves {id, text, type} under groups {text, children}.
    const tree = [
      { id: "email", text: "Email", type: "string" },
      {
        text: "intercom",
        children: [{ id: "traits_intercom/email", text: "intercom/email", type: "string" }],
      },
      { id: "traits_plan", type: "string" },
    ];
    expect(hullAttributeOptions(tree)).toEqual([
      { value: "email", label: "Email" },
      { value: "intercom/email", label: "intercom/email" },
      { value: "plan", label: "plan" },
    ]);
  });

  it("reads `key` where `id` is absent and treats a named node as a leaf, as hull-client does", () => {
    // hull-client lib/utils/properties.js: `const key = props.id || props.key; if (key) leaf`.
    const tree = [
      { key: "traits_score", text: "score" },
      { id: "x", children: [{ id: "y" }] },
    ];
    expect(hullAttributeOptions(tree)).toEqual([
      { value: "score", label: "score" },
      { value: "x", label: "x" },
    ]);
  });

  it("skips nodes of no known shape instead of failing", () => {
    expect(hullAttributeOptions([null, 3, { text: "empty group" }, { id: "" }])).toEqual([]);
    expect(hullAttributeOptions(undefined)).toEqual([]);
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
    expect(view.private_settings).toMatchObject({ show_messenger: true, alignment: "right" });
  });

  it("reads the Website options from private_settings, then from older public settings", () => {
    const view = (privateSettings: Record<string, unknown>, settings: Record<string, unknown>) =>
      settingsView({ private_settings: privateSettings, settings }, [], []).private_settings;
    expect(view({ show_messenger: false }, { show_messenger: true })).toMatchObject({
      show_messenger: false,
    });
    expect(view({}, { alignment: "left" })).toMatchObject({ alignment: "left" });
  });
});
