import type { DataAttribute } from "../../clients/intercom/types";

export interface CompanyAttributeOption {
  value: string;
  label: string;
  type?: string;
  writable: boolean;
  custom: boolean;
}

/**
 * The Intercom company attributes a person can pick in the account mappings, from
 * `GET /data_attributes?model=company` (standard and custom, intercom-api.md §1.2): archived ones
 * and other models left out, standard first, then by label. Pure.
 */
export function buildCompanyCatalogue(
  dataAttributes: readonly DataAttribute[],
): CompanyAttributeOption[] {
  const options = new Map<string, CompanyAttributeOption>();
  for (const attribute of dataAttributes) {
    if (attribute.archived || (attribute.model && attribute.model !== "company")) continue;
    const custom =
      attribute.custom === true || (attribute.full_name ?? "").startsWith("custom_attributes.");
    options.set(attribute.name, {
      value: attribute.name,
      label: attribute.label || attribute.name,
      type: attribute.data_type,
      writable: attribute.api_writable !== false,
      custom,
    });
  }
  return [...options.values()].sort(
    (a, b) => Number(a.custom) - Number(b.custom) || a.label.localeCompare(b.label),
  );
}
