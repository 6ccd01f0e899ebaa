import { describe, expect, it } from "vitest";
import { toFormState } from "../../../../client/dashboard/view/settings-form";
import {
  validateSettings,
  visibleProblems,
} from "../../../../client/dashboard/view/validate-settings";
import type { IntercomAttribute } from "../../../../client/dashboard/types";

const attributes: IntercomAttribute[] = [
  { value: "name", label: "Name", writable: true, custom: false },
  { value: "id", label: "Intercom id", writable: false, custom: false },
  { value: "plan", label: "plan", writable: true, custom: true },
];

function form(
  outgoing: { hull: string; name: string }[],
  incoming: { name: string; hull: string }[] = [],
) {
  return toFormState({
    private_settings: {
      synchronized_segments: [],
      sync_fields_to_intercom: outgoing.map((row) => ({ ...row, overwrite: false })),
      sync_fields_to_hull: incoming,
      send_events: [],
      create_missing_attributes: true,
      ignore_deleted_users: true,
      unarchive_contacts: false,
      show_messenger: true,
      alignment: "right",
    },
  });
}

describe("validateSettings(state, attributes)", () => {
  it("accepts complete rows that write writable or unknown attributes", () => {
    expect(
      validateSettings(
        form([
          { hull: "first_name", name: "name" },
          { hull: "x", name: "brand_new" },
        ]),
        attributes,
      ),
    ).toEqual([]);
  });

  it("refuses an outgoing row that writes a read-only Intercom attribute", () => {
    const problems = validateSettings(form([{ hull: "email", name: "id" }]), attributes);
    expect(problems).toEqual([
      {
        path: "private_settings.sync_fields_to_intercom.0.name",
        message: '"Intercom id" is read-only in Intercom: pick a writable attribute.',
        kind: "invalid",
      },
    ]);
  });

  it("flags two outgoing rows writing the same Intercom attribute on the later row", () => {
    const problems = validateSettings(
      form([
        { hull: "a", name: "plan" },
        { hull: "b", name: "plan" },
      ]),
      attributes,
    );
    expect(problems.map((problem) => problem.path)).toEqual([
      "private_settings.sync_fields_to_intercom.1.name",
    ]);
    expect(problems[0].message).toContain("Row 1");
  });

  it("marks blank cells of both tables as required", () => {
    const problems = validateSettings(
      form([{ hull: " ", name: "" }], [{ name: "", hull: "" }]),
      attributes,
    );
    expect(problems.map((problem) => [problem.path, problem.kind])).toEqual([
      ["private_settings.sync_fields_to_intercom.0.hull", "required"],
      ["private_settings.sync_fields_to_intercom.0.name", "required"],
      ["private_settings.sync_fields_to_hull.0.name", "required"],
      ["private_settings.sync_fields_to_hull.0.hull", "required"],
    ]);
  });
});

describe("visibleProblems(problems, triedToSave)", () => {
  const problems = validateSettings(form([{ hull: "", name: "id" }]), attributes);

  it("hides required problems until the user tries to save", () => {
    expect(visibleProblems(problems, false).map((problem) => problem.kind)).toEqual(["invalid"]);
  });

  it("shows every problem after a save attempt", () => {
    expect(visibleProblems(problems, true)).toHaveLength(2);
  });
});
