import type { IntercomApi } from "../clients/intercom/api";
import type { ConnectorSettings } from "../settings";
import { buildAttributeCatalogue, type CatalogueOption } from "./mapping/attribute-catalogue";

/** Intercom's attribute list merged with names seen on contacts; `known` is false until there is any. */
export async function loadAttributeCatalogue(
  api: IntercomApi | undefined,
  settings: ConnectorSettings,
): Promise<{ known: boolean; options: CatalogueOption[] }> {
  const dataAttributes = api ? await api.listDataAttributes() : [];
  const options = buildAttributeCatalogue(dataAttributes, settings.customAttributes);
  return { known: options.length > 0, options };
}
