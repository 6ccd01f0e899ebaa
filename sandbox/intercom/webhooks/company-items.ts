import { parameterInvalid } from "../errors.js";
import type { Workspace } from "../workspace.js";

/** The company topics intercom-api.md §4.2 names (current list; 1.x had company.created only). */
export const companyTopics = [
  "company.created",
  "company.updated",
  "company.deleted",
  "company.contact.attached",
  "company.contact.detached",
] as const;

/**
 * The item a company notification carries, from a stored company (for /_sandbox/webhooks). 2.x
 * items are the REST company; `legacy` gives the 1.x company item (company.created only); the
 * company.contact.* topics carry `{type:"contact_company", company, contact}` (ADR 019).
 * @throws IntercomError 400 for other topics, a missing contact_id, 404 for unknown ids
 */
export function companyItemForTopic(
  workspace: Workspace,
  topic: string,
  companyId: string,
  contactId: string | undefined,
  legacy: boolean,
): Record<string, unknown> {
  if (!(companyTopics as readonly string[]).includes(topic))
    throw parameterInvalid(
      `unsupported company topic '${topic}'; supported: ${companyTopics.join(", ")}`,
    );
  const company = workspace.companies.get(companyId);
  if (legacy && topic !== "company.created")
    throw parameterInvalid("Intercom 1.x notified company.created only (intercom-api.md §4.2)");
  if (topic === "company.deleted") return { type: "company", id: company.id, deleted: true };
  if (topic.startsWith("company.contact.")) {
    if (contactId === undefined) throw parameterInvalid("this topic needs a contact_id");
    return workspace.companies.linkItem(company, workspace.getContactIncludingArchived(contactId));
  }
  return legacy ? workspace.legacyCompany(company) : workspace.restCompany(company);
}
