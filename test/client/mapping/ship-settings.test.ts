import { describe, expect, it } from "vitest";
import { readShipSettings, servedSettingsUrl } from "../../../client/mapping/ship-settings";

const deployment = (settings: Record<string, unknown>) => ({ ship: { id: "s1", settings } });

describe("readShipSettings(deployment)", () => {
  it("reads the workspace, region and launcher options from the ship's public settings", () => {
    expect(
      readShipSettings(
        deployment({
          app_id: "abc123",
          region: "eu",
          widget_url: "http://127.0.0.1:8082/widget/abc123",
          show_messenger: false,
          alignment: "left",
        }),
      ),
    ).toEqual({
      appId: "abc123",
      region: "eu",
      widgetUrl: "http://127.0.0.1:8082/widget/abc123",
      hideDefaultLauncher: true,
      alignment: "left",
    });
  });

  it("defaults to the US region, Intercom's own widget and a visible launcher on the right", () => {
    expect(readShipSettings(deployment({ app_id: "abc123" }))).toEqual({
      appId: "abc123",
      region: "us",
      hideDefaultLauncher: false,
      alignment: "right",
    });
  });

  it("accepts the SDK's region names only (Australia is ap)", () => {
    expect(readShipSettings(deployment({ app_id: "a", region: "AP" }))?.region).toBe("ap");
    expect(readShipSettings(deployment({ app_id: "a", region: "au" }))?.region).toBe("us");
  });

  it("ignores a widget URL that is not http(s)", () => {
    expect(
      readShipSettings(deployment({ app_id: "a", widget_url: "javascript:alert(1)" })),
    ).not.toHaveProperty("widgetUrl");
  });

  it.each([undefined, null, {}, { ship: {} }, deployment({}), deployment({ app_id: " " })])(
    "returns null before the workspace is connected (%j)",
    (value) => {
      expect(readShipSettings(value)).toBeNull();
    },
  );
});

describe("settings served by the connector (docs/adr/007)", () => {
  const ship = {
    id: "5f0c1a2b3c4d5e6f7a8b9c0d",
    source_url: "https://intercom.example.com/",
    settings: { widget_url: "http://127.0.0.1:8082/widget/x", alignment: "right" },
  };

  it("asks the connector at the ship's source_url, by ship id", () => {
    expect(servedSettingsUrl({ ship })).toBe(
      "https://intercom.example.com/ship/settings?ship=5f0c1a2b3c4d5e6f7a8b9c0d",
    );
    expect(servedSettingsUrl({ ship: { ...ship, source_url: "javascript:alert(1)" } })).toBeNull();
    expect(servedSettingsUrl({ ship: { ...ship, id: "../admin" } })).toBeNull();
    expect(servedSettingsUrl(undefined)).toBeNull();
  });

  it("boots with the served workspace and options over the public settings", () => {
    const served = { app_id: "abc123", region: "eu", show_messenger: false, alignment: "left" };
    expect(readShipSettings({ ship }, served)).toEqual({
      appId: "abc123",
      region: "eu",
      widgetUrl: "http://127.0.0.1:8082/widget/x",
      hideDefaultLauncher: true,
      alignment: "left",
    });
  });

  it("never takes the widget script URL from the served settings", () => {
    const served = { app_id: "abc123", widget_url: "https://evil.example.com/x.js" };
    expect(readShipSettings({ ship }, served)?.widgetUrl).toBe("http://127.0.0.1:8082/widget/x");
  });

  it("stays off when neither the connector nor the deployment names a workspace", () => {
    expect(readShipSettings({ ship }, undefined)).toBeNull();
  });
});
