import { describe, expect, it } from "vitest";
import { readSettings, settingsUpdateSchema } from "../../server/settings";

const SEGMENT = "5f0c1a2b3c4d5e6f7a8b9c0d";

describe("settingsUpdateSchema", () => {
  it("accepts what the dashboard edits, and fills overwrite=false", () => {
    const parsed = settingsUpdateSchema.parse({
      private_settings: {
        synchronized_segments: [SEGMENT],
        sync_fields_to_intercom: [{ hull: "plan", name: "plan" }],
        send_events: ["Signed up"],
      },
      settings: { alignment: "left" },
    });
    expect(parsed.private_settings?.sync_fields_to_intercom).toEqual([
      { hull: "plan", name: "plan", overwrite: false },
    ]);
  });

  it.each([
    ["an unknown setting", { private_settings: { access_token: "steal" } }],
    [
      "a segment id that is not Hull's",
      { private_settings: { synchronized_segments: ["<script>"] } },
    ],
    [
      "an empty attribute name",
      { private_settings: { sync_fields_to_hull: [{ name: " ", hull: "x" }] } },
    ],
    [
      "an extra column",
      { private_settings: { sync_fields_to_intercom: [{ hull: "a", name: "b", evil: 1 }] } },
    ],
    ["a launcher position that does not exist", { settings: { alignment: "middle" } }],
    ["a non-boolean switch", { private_settings: { create_missing_attributes: "yes" } }],
  ])("refuses %s", (_name, update) => {
    expect(settingsUpdateSchema.safeParse(update).success).toBe(false);
  });
});

describe("readSettings(connector)", () => {
  it("applies defaults to an empty connector", () => {
    expect(readSettings({ private_settings: {} })).toMatchObject({
      synchronizedSegments: [],
      outgoingAttributes: [],
      sendEvents: [],
      createMissingAttributes: true,
      ignoreDeletedUsers: true,
      tagMapping: {},
    });
  });

  it("ignores stored values of the wrong shape instead of crashing", () => {
    const settings = readSettings({
      private_settings: {
        synchronized_segments: "all",
        sync_fields_to_intercom: [{ hull: "ok", name: "ok" }, { hull: 3 }],
        tag_mapping: [],
      },
    });
    expect(settings.synchronizedSegments).toEqual([]);
    expect(settings.outgoingAttributes).toEqual([{ hull: "ok", name: "ok", overwrite: false }]);
    expect(settings.tagMapping).toEqual({});
  });

  it("reads the connected workspace with a normalised region", () => {
    const settings = readSettings({
      private_settings: { access_token: "t", intercom_workspace: { app_id: "abc", region: "eu" } },
    });
    expect(settings.workspace).toMatchObject({ app_id: "abc", region: "EU" });
    expect(settings.accessToken).toBe("t");
  });
});
