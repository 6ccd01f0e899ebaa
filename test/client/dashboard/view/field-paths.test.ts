import { describe, expect, it } from "vitest";
import { assignErrors, normalisePath } from "../../../../client/dashboard/view/field-paths";

describe("normalisePath(path)", () => {
  it.each([
    [
      "private_settings.sync_fields_to_intercom[0].name",
      "private_settings.sync_fields_to_intercom.0.name",
    ],
    [
      "/private_settings/sync_fields_to_intercom/0/name",
      "private_settings.sync_fields_to_intercom.0.name",
    ],
    ["settings.alignment", "settings.alignment"],
  ])("spells %s as %s", (input, expected) => {
    expect(normalisePath(input)).toBe(expected);
  });
});

describe("assignErrors(errors, knownPaths)", () => {
  const known = [
    "private_settings.send_events",
    "private_settings.sync_fields_to_hull",
    "private_settings.sync_fields_to_hull.0.hull",
  ];

  it("puts each message on the field that shows its path, whatever the spelling", () => {
    const { byPath, unclaimed } = assignErrors(
      [
        { path: "private_settings.sync_fields_to_hull[0].hull", message: "Reserved name" },
        { path: "/private_settings/send_events", message: "Too many events" },
      ],
      known,
    );
    expect(byPath.get("private_settings.sync_fields_to_hull.0.hull")).toEqual(["Reserved name"]);
    expect(byPath.get("private_settings.send_events")).toEqual(["Too many events"]);
    expect(unclaimed).toEqual([]);
  });

  it("gives a message about a deeper path to the nearest shown field", () => {
    const { byPath } = assignErrors(
      [{ path: "private_settings.sync_fields_to_hull.3.name", message: "Unknown" }],
      known,
    );
    expect(byPath.get("private_settings.sync_fields_to_hull")).toEqual(["Unknown"]);
  });

  it("leaves messages no field claims for the top of the form", () => {
    const { byPath, unclaimed } = assignErrors([{ path: "access_token", message: "No" }], known);
    expect(byPath.size).toBe(0);
    expect(unclaimed).toEqual([{ path: "access_token", message: "No" }]);
  });
});
