import type { DataAttribute } from "../../clients/intercom/types";

export interface CatalogueOption {
  value: string;
  label: string;
  type?: string;
  writable: boolean;
  custom: boolean;
}

/**
 * The Intercom attributes a person can pick in the settings: Intercom's data attributes (standard
 * and custom) plus custom names seen on contacts, sorted standard first, then by label.
 */
export function buildAttributeCatalogue(
  dataAttributes: readonly DataAttribute[],
  seenCustomNames: readonly string[],
): CatalogueOption[] {
  const options = new Map<string, CatalogueOption>();
  for (const attribute of dataAttributes) {
    if (attribute.archived || (attribute.model && attribute.model !== "contact")) continue;
    const custom =
      attribute.custom === true || attribute.full_name.startsWith("custom_attributes.");
    options.set(attribute.name, {
      value: attribute.name,
      label: attribute.label || attribute.name,
      type: attribute.data_type,
      writable: attribute.api_writable !== false,
      custom,
    });
  }
  for (const name of seenCustomNames) {
    if (!options.has(name))
      options.set(name, { value: name, label: name, writable: true, custom: true });
  }
  return [...options.values()].sort(
    (a, b) => Number(a.custom) - Number(b.custom) || a.label.localeCompare(b.label),
  );
}
