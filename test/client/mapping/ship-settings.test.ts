import { describe, expect, it } from "vitest";
import { readShipSettings } from "../../../client/mapping/ship-settings";

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
