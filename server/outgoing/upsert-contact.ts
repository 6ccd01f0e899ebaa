import type { IntercomContact, ContactWrite } from "../clients/intercom/types";
import {
  conflictingContactId,
  findContact,
  findUserByExternalId,
  isNotFound,
} from "./find-contact";
import { hullEmail, hullExternalId, isKnownLead, knownIntercomId } from "./intercom-traits";
import {
  intercomValuesFromContact,
  intercomValuesFromHull,
  mapUserToContact,
  STANDARD_FIELDS,
  type AttributeMapping,
  type IntercomValueLookup,
} from "./mapping/user-to-contact";
import type { IntercomDataType } from "./mapping/intercom-value";
import type { OutgoingContext } from "./outgoing-context";
import type { OutgoingUser } from "./user-update";

export interface UpsertedContact {
  id: string;
  role: "user" | "lead";
  /** The contact as Intercom last answered, when a request returned it. */
  contact?: IntercomContact;
  created: boolean;
  /** A lead that became a user (merged into one, or turned into one). */
  converted: boolean;
}

type Target = Omit<UpsertedContact, "created">;

/**
 * Creates or updates the Intercom contact of a Hull user, in as few requests as Hull's knowledge
 * allows: by the Intercom id Hull knows (one PUT), else external_id, else email; create when
 * absent; a 409 is "found" (search lags creation, intercom-api.md §2.4).
 */
export async function upsertContact(
  ctx: OutgoingContext,
  user: OutgoingUser,
  warnings: string[],
): Promise<UpsertedContact> {
  const knownId = knownIntercomId(user);
  if (knownId) {
    const target = await knownTarget(ctx, user, knownId);
    try {
      return { ...(await updateAttributes(ctx, user, target, warnings)), created: false };
    } catch (error) {
      if (!isNotFound(error) || target.contact) throw error;
      warnings.push(`Intercom no longer has contact ${knownId}; looking it up again`);
    }
  }
  const found = await findContact(ctx.api, user);
  if (found) {
    const target: Target = { id: found.id, role: found.role, contact: found, converted: false };
    return { ...(await updateAttributes(ctx, user, target, warnings)), created: false };
  }
  return createContact(ctx, user, warnings);
}

async function knownTarget(ctx: OutgoingContext, user: OutgoingUser, id: string): Promise<Target> {
  const externalId = hullExternalId(user);
  if (!isKnownLead(user)) return { id, role: "user", converted: false };
  if (!externalId) return { id, role: "lead", converted: false };
  // The lead's person signed up: merge into the user Intercom already has, or make it one.
  const existing = await findUserByExternalId(ctx.api, externalId);
  if (existing) {
    try {
      const merged = await ctx.api.mergeContacts(id, existing.id);
      return { id: merged.id, role: "user", contact: merged, converted: true };
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return { id: existing.id, role: "user", contact: existing, converted: true };
    }
  }
  const turned = await ctx.api.updateContact(id, { role: "user", external_id: externalId });
  return { id: turned.id, role: "user", contact: turned, converted: true };
}

async function customTypes(ctx: OutgoingContext): Promise<ReadonlyMap<string, IntercomDataType>> {
  const needsTypes = ctx.settings.outgoingAttributes.some(
    (row) => row.name.startsWith("custom_attributes.") || !(row.name.trim() in STANDARD_FIELDS),
  );
  return needsTypes ? ctx.customAttributes.types() : new Map();
}

function mapAttributes(
  ctx: OutgoingContext,
  user: OutgoingUser,
  types: ReadonlyMap<string, IntercomDataType>,
  intercom: "new" | IntercomValueLookup,
): AttributeMapping {
  return mapUserToContact({
    user,
    rows: ctx.settings.outgoingAttributes,
    customTypes: types,
    intercom,
  });
}

/** Creates missing custom attributes; leaves out those that cannot be, with a warning. */
async function withUsableAttributes(
  ctx: OutgoingContext,
  mapped: AttributeMapping,
  body: ContactWrite,
  warnings: string[],
): Promise<ContactWrite> {
  warnings.push(...mapped.warnings);
  if (mapped.missing.length === 0) return body;
  const { refused } = await ctx.customAttributes.ensure(mapped.missing);
  if (refused.length === 0) return body;
  const custom = { ...body.custom_attributes };
  for (const { name, reason } of refused) {
    delete custom[name];
    warnings.push(`custom attribute "${name}" left out: ${reason}`);
  }
  const rest = { ...body };
  delete rest.custom_attributes;
  return Object.keys(custom).length > 0 ? { ...rest, custom_attributes: custom } : rest;
}

/** Identity Intercom lacks and Hull has; only when the contact was read (no extra request). */
function identityFixes(target: Target, user: OutgoingUser): ContactWrite {
  const contact = target.contact;
  if (!contact) return {};
  const fixes: ContactWrite = {};
  const email = hullEmail(user);
  if (email && !contact.email) fixes.email = email;
  const externalId = hullExternalId(user);
  if (externalId && target.role === "user" && !contact.external_id) fixes.external_id = externalId;
  return fixes;
}

async function updateAttributes(
  ctx: OutgoingContext,
  user: OutgoingUser,
  target: Target,
  warnings: string[],
): Promise<Target> {
  const types = await customTypes(ctx);
  const fromHull = intercomValuesFromHull(user, ctx.settings.incomingAttributes);
  let mapped = mapAttributes(
    ctx,
    user,
    types,
    target.contact ? intercomValuesFromContact(target.contact) : fromHull,
  );
  if (mapped.unknown.length > 0 && !target.contact) {
    // "Only where Intercom's is empty" needs Intercom's value, which Hull does not hold yet.
    target = { ...target, contact: await ctx.api.getContact(target.id) };
    mapped = mapAttributes(ctx, user, types, intercomValuesFromContact(target.contact!));
  }
  const body = await withUsableAttributes(
    ctx,
    mapped,
    { ...identityFixes(target, user), ...mapped.contact },
    warnings,
  );
  if (Object.keys(body).length === 0) return target;
  const updated = await ctx.api.updateContact(target.id, body);
  return { ...target, role: updated.role ?? target.role, contact: updated };
}

async function createContact(
  ctx: OutgoingContext,
  user: OutgoingUser,
  warnings: string[],
): Promise<UpsertedContact> {
  const mapped = mapAttributes(ctx, user, await customTypes(ctx), "new");
  const email = hullEmail(user);
  const externalId = hullExternalId(user);
  const body = await withUsableAttributes(
    ctx,
    mapped,
    {
      role: "user",
      ...(email ? { email } : {}),
      ...(externalId ? { external_id: externalId } : {}),
      ...mapped.contact,
    },
    warnings,
  );
  try {
    const contact = await ctx.api.createContact(body);
    return { id: contact.id, role: contact.role, contact, created: true, converted: false };
  } catch (error) {
    const id = conflictingContactId(error);
    if (!id) throw error;
    warnings.push(`Intercom already had this contact (${id}); updated it instead`);
    const target: Target = { id, role: "user", converted: false };
    return { ...(await updateAttributes(ctx, user, target, [])), created: false };
  }
}
