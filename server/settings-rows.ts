import { z } from "zod";

/**
 * Rows of a mapping list (at most 250), refused when two of them write the same field: the last
 * would silently win, and with "Hull overwrites Intercom" a value meant for one field could land
 * in another. `fieldOf` says which field a row writes, spelled one way (Intercom's
 * `custom_attributes.plan` is its `plan`, outgoing/mapping/user-to-contact.ts). The later row is
 * named, 1-based as the dashboard lists them. Pure.
 */
export function oneRowPerField<Row extends Record<string, unknown>>(
  row: z.ZodType<Row>,
  target: keyof Row & string,
  what: string,
  fieldOf: (name: string) => string = (name) => name,
) {
  return z
    .array(row)
    .max(250)
    .superRefine((rows, issues) => {
      const first = new Map<string, number>();
      rows.forEach((one, index) => {
        const written = String(one[target]);
        const field = fieldOf(written);
        const earlier = first.get(field);
        if (earlier === undefined) first.set(field, index);
        else
          issues.addIssue({
            code: "custom",
            path: [index, target],
            message: `row ${index + 1} writes ${what} "${written}", as row ${earlier + 1} does: keep one row per field`,
          });
      });
    });
}

/** Intercom's field a row names: `custom_attributes.x` is `x`. */
export const intercomField = (name: string) => name.replace(/^custom_attributes\./, "");
