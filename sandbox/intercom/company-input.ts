import { customChecks } from "./contact-input.js";
import { IntercomError, parameterInvalid } from "./errors.js";
import type { AttributeStore } from "./store/attribute-store.js";

/** The writable fields of create_or_update_company_request / update_company_request (API 2.14). */
export interface CompanyInput {
  name?: string;
  company_id?: string;
  plan?: string;
  size?: number;
  website?: string;
  industry?: string;
  custom_attributes?: Record<string, string | number | boolean | null>;
  remote_created_at?: number;
  monthly_spend?: number;
}

/** 2^31-1: "this has an upper limit of 2**31-1 or 2147483647" (description, monthly_spend). */
export const MAX_MONTHLY_SPEND = 2_147_483_647;

type Check = (value: unknown) => boolean;
const isString: Check = (value) => typeof value === "string";
const isInt: Check = (value) => typeof value === "number" && Number.isInteger(value);

const fields: Record<string, [Check, string]> = {
  name: [isString, "a string"],
  company_id: [(value) => isString(value) && (value as string).trim() !== "", "a non-empty string"],
  plan: [isString, "a string"],
  size: [isInt, "an integer"],
  website: [isString, "a string"],
  industry: [isString, "a string"],
  custom_attributes: [
    (value) => typeof value === "object" && value !== null && !Array.isArray(value),
    "an object",
  ],
  remote_created_at: [isInt, "Unix seconds (integer)"],
  monthly_spend: [
    (value) => typeof value === "number" && value >= 0 && value <= MAX_MONTHLY_SPEND,
    `a number from 0 to ${MAX_MONTHLY_SPEND}`,
  ],
};

/**
 * Validates a company write. `mode` "create" is POST /companies (company_id allowed), "update" is
 * PUT /companies/{id} (company_id refused: "it is not possible to update company_id"). Every problem
 * is a 400 in Intercom's shape (unknown fields answer `bad_request` "bad 'x' parameter", the
 * description's own example), found before anything is written. Custom attributes must already
 * exist as company data attributes, as contact ones must (intercom-api.md §1.2).
 * @throws IntercomError 400
 */
export function parseCompanyInput(
  body: unknown,
  attributes: AttributeStore,
  mode: "create" | "update",
): CompanyInput {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw parameterInvalid("Request body must be a JSON object");
  }
  const input = body as Record<string, unknown>;
  for (const [key, value] of Object.entries(input)) {
    // Own keys only: "constructor" or "__proto__" is an unknown field, not a 500.
    const rule = Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (!rule || (mode === "update" && key === "company_id")) {
      throw new IntercomError(400, "bad_request", `bad '${key}' parameter`);
    }
    if (!rule[0](value)) throw parameterInvalid(`${key} must be ${rule[1]}`);
  }
  const custom = (input.custom_attributes ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(custom)) {
    const attribute = attributes.activeOf("company", name);
    if (!attribute) {
      throw new IntercomError(
        400,
        "parameter_not_found",
        `Custom attribute '${name}' does not exist`,
      );
    }
    const [check, expected] = customChecks[attribute.data_type];
    if (value !== null && !check(value)) {
      throw parameterInvalid(`Custom attribute '${name}' must be ${expected}`);
    }
  }
  return input as CompanyInput;
}
