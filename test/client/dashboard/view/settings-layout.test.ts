import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SETTINGS_LAYOUT } from "../../../../client/dashboard/view/settings-layout";

interface ManifestSetting {
  name: string;
  title?: string;
  description?: string;
}
const manifest = JSON.parse(
  readFileSync(new URL("../../../../manifest.json", import.meta.url), "utf8"),
) as {
  settings: ManifestSetting[];
  private_settings: ManifestSetting[];
  settings_sections: { title: string; properties: string[] }[];
};

describe("SETTINGS_LAYOUT", () => {
  it("has manifest.json's sections, in order, with the same settings", () => {
    expect(
      SETTINGS_LAYOUT.map((section) => ({
        title: section.title,
        properties: section.fields.map((field) => field.path),
      })),
    ).toEqual(manifest.settings_sections);
  });

  it("copies each setting's title and description from manifest.json", () => {
    for (const field of SETTINGS_LAYOUT.flatMap((section) => section.fields)) {
      const [group, name] = field.path.split(".") as ["settings" | "private_settings", string];
      const setting = manifest[group].find((item) => item.name === name);
      expect(setting, field.path).toBeDefined();
      expect(field.title).toBe(setting?.title);
      expect(field.description).toBe(setting?.description);
    }
  });
});
