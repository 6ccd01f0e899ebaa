import type { FieldError, IntercomAttribute } from "../types";
import type { FormState } from "./settings-form";

export interface SettingsProblem extends FieldError {
  /** "required" problems wait for a save attempt; "invalid" ones show as soon as they appear. */
  kind: "required" | "invalid";
}

/**
 * Checks the form before it is sent. Intercom refuses writes to read-only attributes, so an
 * outgoing row may only target an attribute the catalogue marks writable (or one it does not
 * know, which the connector may create: see DESIGN.md "Outgoing").
 */
export function validateSettings(
  state: FormState,
  attributes: IntercomAttribute[],
): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const byValue = new Map(attributes.map((attribute) => [attribute.value, attribute]));
  const outgoingTargets = new Map<string, number>();

  state.private_settings.sync_fields_to_intercom.forEach((row, index) => {
    const base = `private_settings.sync_fields_to_intercom.${index}`;
    if (row.hull.trim() === "") {
      problems.push(required(`${base}.hull`, "Pick the Hull attribute to send."));
    }
    const name = row.name.trim();
    if (name === "") {
      problems.push(required(`${base}.name`, "Pick the Intercom attribute to write."));
      return;
    }
    const attribute = byValue.get(name);
    if (attribute && !attribute.writable) {
      problems.push(
        invalid(
          `${base}.name`,
          `"${attribute.label}" is read-only in Intercom: pick a writable attribute.`,
        ),
      );
    }
    const earlier = outgoingTargets.get(name);
    if (earlier !== undefined) {
      problems.push(
        invalid(`${base}.name`, `Row ${earlier + 1} already writes "${name}" in Intercom.`),
      );
    } else {
      outgoingTargets.set(name, index);
    }
  });

  state.private_settings.sync_fields_to_hull.forEach((row, index) => {
    const base = `private_settings.sync_fields_to_hull.${index}`;
    if (row.name.trim() === "") {
      problems.push(required(`${base}.name`, "Pick the Intercom attribute to copy."));
    }
    if (row.hull.trim() === "") {
      problems.push(required(`${base}.hull`, "Name the Hull attribute to write."));
    }
  });

  return problems;
}

/** The problems to show now: invalid ones always, required ones once the user tried to save. */
export function visibleProblems(problems: SettingsProblem[], triedToSave: boolean) {
  return problems.filter((problem) => triedToSave || problem.kind === "invalid");
}

const required = (path: string, message: string): SettingsProblem => ({
  path,
  message,
  kind: "required",
});
const invalid = (path: string, message: string): SettingsProblem => ({
  path,
  message,
  kind: "invalid",
});
