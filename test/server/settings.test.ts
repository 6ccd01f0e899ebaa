import { describe, expect, it } from "vitest";
import {
  connectionSettings,
  disconnectionSettings,
  ownSettings,
  privateSettingsUpdate,
  readSettings,
  settingsUpdateSchema,
  websiteSettings,
} from "../../server/settings";
import { ownAccountSettings } from "../../server/accounts/account-settings";

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
    // Kind: two rows writing one field (a reviewer's finding, 2026-12-01): the last won silently.
    [
      "two outgoing rows writing one Intercom field",
      {
        private_settings: {
          sync_fields_to_intercom: [
            { hull: "email", name: "email" },
            { hull: "plan", name: "email", overwrite: true },
          ],
        },
      },
    ],
    [
      "two outgoing rows writing one Intercom field spelled two ways",
      {
        private_settings: {
          sync_fields_to_intercom: [
            { hull: "plan", name: "plan" },
            { hull: "tier", name: "custom_attributes.plan" },
          ],
        },
      },
    ],
    [
      "two account rows writing one Intercom company field",
      {
        private_settings: {
          sync_account_fields_to_intercom: [
            { hull: "domain", name: "website" },
            { hull: "url", name: "website" },
          ],
        },
      },
    ],
    [
      "two incoming account rows writing one Hull account attribute",
      {
        private_settings: {
          sync_account_fields_to_hull: [
            { name: "plan", hull: "intercom/plan" },
            { name: "tier", hull: "intercom/plan" },
          ],
        },
      },
    ],
    [
      "two incoming rows writing one Hull attribute",
      {
        private_settings: {
          sync_fields_to_hull: [
            { name: "plan", hull: "intercom/plan" },
            { name: "tier", hull: "intercom/plan" },
          ],
        },
      },
    ],
  ])("refuses %s", (_name, update) => {
    expect(settingsUpdateSchema.safeParse(update).success).toBe(false);
  });

  it("names the later row and the earlier one of a field written twice", () => {
    const parsed = settingsUpdateSchema.safeParse({
      private_settings: {
        sync_fields_to_intercom: [
          { hull: "name", name: "name" },
          { hull: "email", name: "email" },
          { hull: "plan", name: "email" },
        ],
      },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ["private_settings", "sync_fields_to_intercom", 2, "name"],
      message: 'row 3 writes Intercom\'s "email", as row 2 does: keep one row per field',
    });
  });

  it("accepts one Hull attribute sent to two Intercom fields", () => {
    const update = {
      private_settings: {
        sync_fields_to_intercom: [
          { hull: "email", name: "email" },
          { hull: "email", name: "custom_attributes.contact_email" },
        ],
      },
    };
    expect(settingsUpdateSchema.safeParse(update).success).toBe(true);
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

describe("settings writes never need public settings (docs/adr/007)", () => {
  it("turns a website-only save into private settings", () => {
    const update = settingsUpdateSchema.parse({ settings: { show_messenger: false } });
    expect(privateSettingsUpdate(update)).toEqual({ show_messenger: false });
  });

  it("connects and disconnects through private_settings only", () => {
    const workspace = { app_id: "abc", region: "EU" as const, connected_at: "2026-01-01" };
    expect(Object.keys(connectionSettings("t", workspace))).toEqual(["private_settings"]);
    expect(Object.keys(disconnectionSettings())).toEqual(["private_settings"]);
  });

  it("serves ship.js the workspace and Messenger options, private first, never the token", () => {
    const connector = {
      private_settings: {
        access_token: "secret-token",
        intercom_workspace: { app_id: "abc", region: "AU" },
        alignment: "left",
      },
      settings: { show_messenger: false, alignment: "right" },
    };
    expect(websiteSettings(connector)).toEqual({
      app_id: "abc",
      region: "ap",
      show_messenger: false,
      alignment: "left",
    });
    expect(JSON.stringify(websiteSettings(connector))).not.toContain("secret-token");
    expect(websiteSettings({ private_settings: {}, settings: {} })).toBeNull();
  });
});

describe("the tag mappings the connector writes itself", () => {
  const stored = {
    private_settings: {
      tag_mapping: { seg1: "t1", seg2: "t2", broken: 42 },
      account_tag_mapping: { acc1: "a1", broken: null },
    },
  };

  it("adds the ids learnt to Hull's fresh copy, learnt ids winning, bad entries dropped one by one", () => {
    expect(ownSettings.tagMapping(stored, { seg2: "t2b", seg3: "t3" })).toEqual({
      tag_mapping: { seg1: "t1", seg2: "t2b", seg3: "t3" },
    });
    expect(ownAccountSettings.accountTagMapping(stored, { acc2: "a2" })).toEqual({
      account_tag_mapping: { acc1: "a1", acc2: "a2" },
    });
  });

  it("starts afresh when nothing (or not a map) is stored", () => {
    expect(
      ownSettings.tagMapping({ private_settings: { tag_mapping: ["x"] } }, { s: "t" }),
    ).toEqual({ tag_mapping: { s: "t" } });
    expect(ownAccountSettings.accountTagMapping({ private_settings: {} }, { a: "t" })).toEqual({
      account_tag_mapping: { a: "t" },
    });
  });
});
