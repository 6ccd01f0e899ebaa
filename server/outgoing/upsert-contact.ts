import type { IntercomContact, ContactWrite } from "../clients/intercom/types";
import { conflictingContact, findContact, findUserByExternalId, isNotFound } from "./find-contact";
import {
  hullEmail,
  hullExternalId,
  intercomStates,
  isKnownLead,
  knownIntercomId,
} from "./intercom-traits";
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
  /** The contact was archived in Intercom and this run unarchived it (`unarchive_contacts`). */
  unarchived?: boolean;
}

/**
 * The contact is archived in Intercom and the connector may not unarchive it: nothing was
 * written. Carries the archived contact's id (from the 409, intercom-api.md §2.4).
 */
export class ArchivedContactError extends Error {
  constructor(readonly contactId: string) {
    super(
      `Intercom has this person as archived contact ${contactId}; nothing is written into it (unarchive_contacts is off)`,
    );
  }
}

type Target = Omit<UpsertedContact, "created">;

/**
 * Creates or updates the Intercom contact of a Hull user, in as few requests as Hull's knowledge
 * allows: by the Intercom id Hull knows (one PUT), else external_id, else email; create when
 * absent; a 409 is "found" (search lags creation, intercom-api.md §2.4). An archived contact is
 * written only after unarchiving it (`unarchive_contacts`); otherwise this throws
 * {@link ArchivedContactError} before anything is written.
 */
export async function upsertContact(
  ctx: OutgoingContext,
  user: OutgoingUser,
  warnings: string[],
): Promise<UpsertedContact> {
  const knownId = knownIntercomId(user);
  // Hull holds the contact as archived and the filter let it through: unarchive_contacts is on.
  const unarchived =
    knownId !== undefined && intercomStates(user).has("archived")
      ? await unarchive(ctx, knownId, warnings)
      : false;
  if (knownId) {
    const target = await knownTarget(ctx, user, knownId);
    try {
      const updated = await updateAttributes(ctx, user, target, warnings);
      return { ...updated, created: false, ...(unarchived ? { unarchived } : {}) };
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

/** `POST /contacts/{id}/unarchive`; false when Intercom no longer has the contact at all. */
async function unarchive(ctx: OutgoingContext, id: string, warnings: string[]): Promise<boolean> {
  if (!ctx.settings.unarchiveContacts) throw new ArchivedContactError(id);
  try {
    await ctx.api.unarchiveContact(id);
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
  warnings.push(`contact ${id} was archived in Intercom; unarchived it (unarchive_contacts is on)`);
  return true;
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

/**
 * The mapped attributes, every value normalised to its data attribute's type in Intercom's
 * catalogue (issue 15 class 5). Missing custom attributes are created first; the catalogue then
 * holds the type Intercom has, whether this user, another user of the run, or a person created
 * it, so the values are mapped again with it: `42` and `"42"` both go as the integer 42 to an
 * integer attribute. Attributes that cannot be created are left out, with a warning.
 */
async function mapForCatalogue(
  ctx: OutgoingContext,
  map: (types: ReadonlyMap<string, IntercomDataType>) => AttributeMapping,
  warnings: string[],
): Promise<AttributeMapping> {
  let mapped = map(await customTypes(ctx));
  if (mapped.missing.length > 0) {
    const { refused } = await ctx.customAttributes.ensure(mapped.missing);
    mapped = map(await customTypes(ctx));
    const custom = { ...mapped.contact.custom_attributes };
    for (const { name, reason } of refused) {
      delete custom[name];
      warnings.push(`custom attribute "${name}" left out: ${reason}`);
    }
    const contact = { ...mapped.contact };
    delete contact.custom_attributes;
    if (Object.keys(custom).length > 0) contact.custom_attributes = custom;
    mapped = { ...mapped, contact };
  }
  warnings.push(...mapped.warnings);
  return mapped;
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
  const fromHull = intercomValuesFromHull(user, ctx.settings.incomingAttributes);
  let lookup = target.contact ? intercomValuesFromContact(target.contact) : fromHull;
  if (!target.contact && mapAttributes(ctx, user, await customTypes(ctx), lookup).unknown.length) {
    // "Only where Intercom's is empty" needs Intercom's value, which Hull does not hold yet.
    target = { ...target, contact: await ctx.api.getContact(target.id) };
    lookup = intercomValuesFromContact(target.contact!);
  }
  const mapped = await mapForCatalogue(
    ctx,
    (types) => mapAttributes(ctx, user, types, lookup),
    warnings,
  );
  const body = { ...identityFixes(target, user), ...mapped.contact };
  if (Object.keys(body).length === 0) return target;
  const updated = await ctx.api.updateContact(target.id, body);
  return { ...target, role: updated.role ?? target.role, contact: updated };
}

async function createContact(
  ctx: OutgoingContext,
  user: OutgoingUser,
  warnings: string[],
): Promise<UpsertedContact> {
  const mapped = await mapForCatalogue(
    ctx,
    (types) => mapAttributes(ctx, user, types, "new"),
    warnings,
  );
  const email = hullEmail(user);
  const externalId = hullExternalId(user);
  const body: ContactWrite = {
    role: "user",
    ...(email ? { email } : {}),
    ...(externalId ? { external_id: externalId } : {}),
    ...mapped.contact,
  };
  try {
    const contact = await ctx.api.createContact(body);
    return { id: contact.id, role: contact.role, contact, created: true, converted: false };
  } catch (error) {
    const conflict = conflictingContact(error);
    if (!conflict) throw error;
    const { id } = conflict;
    // An archived duplicate is not a live one: write into it only once it is unarchived.
    const unarchived = conflict.archived && (await unarchive(ctx, id, warnings));
    if (!conflict.archived) {
      warnings.push(`Intercom already had this contact (${id}); updated it instead`);
    }
    const target: Target = { id, role: "user", converted: false };
    const updated = await updateAttributes(ctx, user, target, []);
    return { ...updated, created: false, ...(unarchived ? { unarchived } : {}) };
  }
}
