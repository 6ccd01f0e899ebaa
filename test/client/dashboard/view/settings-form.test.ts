import { describe, expect, it } from "vitest";
import { diffSettings, toFormState } from "../../../../client/dashboard/view/settings-form";

const response = {
  private_settings: {
    synchronized_segments: ["s1"],
    sync_fields_to_intercom: [{ hull: "email", name: "email", overwrite: true }],
    sync_fields_to_hull: [{ name: "plan", hull: "traits_intercom/plan" }],
    send_events: ["Entered segment"],
    create_missing_attributes: true,
    ignore_deleted_users: false,
    unarchive_contacts: false,
    show_messenger: true,
    alignment: "right" as const,
  },
};

describe("toFormState(response)", () => {
  it("copies arrays so editing the form never mutates the response", () => {
    const state = toFormState(response);
    state.private_settings.synchronized_segments.push("s2");
    state.private_settings.sync_fields_to_intercom[0].name = "phone";
    expect(response.private_settings.synchronized_segments).toEqual(["s1"]);
    expect(response.private_settings.sync_fields_to_intercom[0].name).toBe("email");
  });

  it("fills missing settings with the manifest defaults", () => {
    const state = toFormState({ private_settings: {} as never });
    expect(state.private_settings.synchronized_segments).toEqual([]);
    expect(state.private_settings.create_missing_attributes).toBe(true);
    expect(state.private_settings).toMatchObject({ show_messenger: true, alignment: "right" });
  });

  it("reads a missing overwrite flag as false", () => {
    const state = toFormState({
      ...response,
      private_settings: {
        ...response.private_settings,
        sync_fields_to_intercom: [{ hull: "a", name: "b" } as never],
      },
    });
    expect(state.private_settings.sync_fields_to_intercom[0].overwrite).toBe(false);
  });
});

describe("diffSettings(saved, current)", () => {
  it("returns null when nothing changed", () => {
    expect(diffSettings(toFormState(response), toFormState(response))).toBeNull();
  });

  it("sends only the keys that changed, with whole arrays", () => {
    const saved = toFormState(response);
    const current = toFormState(response);
    current.private_settings.send_events = ["Entered segment", "Signed up"];
    current.private_settings.alignment = "left";
    expect(diffSettings(saved, current)).toEqual({
      private_settings: { send_events: ["Entered segment", "Signed up"], alignment: "left" },
    });
  });

  it("notices a flag change inside an attribute row", () => {
    const saved = toFormState(response);
    const current = toFormState(response);
    current.private_settings.sync_fields_to_intercom[0].overwrite = false;
    expect(diffSettings(saved, current)).toEqual({
      private_settings: {
        sync_fields_to_intercom: [{ hull: "email", name: "email", overwrite: false }],
      },
    });
  });

  it("returns null again once an edit is undone", () => {
    const saved = toFormState(response);
    const current = toFormState(response);
    current.private_settings.ignore_deleted_users = true;
    current.private_settings.ignore_deleted_users = false;
    expect(diffSettings(saved, current)).toBeNull();
  });
});
