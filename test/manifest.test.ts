import { describe, expect, it } from "vitest";
import manifest from "../manifest.json";

type Setting = {
  name: string;
  type: string;
  format?: string;
  default?: unknown;
  items?: { properties: Record<string, { type: string }> };
};
const privateSetting = (name: string): Setting | undefined =>
  (manifest.private_settings as Setting[]).find((setting) => setting.name === name);

describe("manifest.json", () => {
  it("keeps the classic setting names so existing installations keep their settings", () => {
    expect(privateSetting("synchronized_segments")).toMatchObject({
      type: "array",
      format: "segment",
      default: [],
    });
    expect(privateSetting("send_events")).toMatchObject({ type: "array", format: "event" });
    expect(Object.keys(privateSetting("sync_fields_to_intercom")?.items?.properties ?? {})).toEqual(
      ["hull", "name", "overwrite"],
    );
    expect(Object.keys(privateSetting("sync_fields_to_hull")?.items?.properties ?? {})).toEqual([
      "name",
      "hull",
    ]);
  });

  it("declares the client script and the surfaces Hull calls", () => {
    expect(manifest.index).toBe("ship.js");
    expect(manifest.admin).toBe("/admin");
    expect(manifest.subscriptions[0]?.url).toBe("/smart-notifier");
    expect(manifest.batches[0]?.url).toBe("/batch");
    expect(manifest.schedules.map((schedule) => schedule.url)).toEqual(["/sync", "/fetch-leads"]);
    expect(manifest.statuses[0]?.url).toBe("/status");
  });

  it("embeds into the page body by default, or Hull.js never loads the script", () => {
    expect(manifest.deployment_settings).toContainEqual(
      expect.objectContaining({ name: "_selector", default: "body" }),
    );
  });

  it("keeps secrets out of the public settings that reach the browser", () => {
    const publicNames = manifest.settings.map((setting) => setting.name);
    expect(publicNames).not.toContain("access_token");
    expect(publicNames.some((name) => /token|secret|password/i.test(name))).toBe(false);
  });

  it("names each setting once", () => {
    const names = [...manifest.settings, ...manifest.private_settings].map(
      (setting) => setting.name,
    );
    expect(new Set(names).size).toBe(names.length);
  });
});
