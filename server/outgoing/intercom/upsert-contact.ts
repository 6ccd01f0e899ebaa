import type { IntercomContact, ContactWrite } from "../../clients/intercom/types";
import {
  conflictingContact,
  findUserByExternalId,
  isNotFound,
  unnamedDuplicate,
} from "./find-contact";
import {
  hullEmail,
  hullExternalId,
  intercomStates,
  isKnownLead,
  knownIntercomId,
} from "../hull-input/intercom-traits";
import {
  intercomValuesFromContact,
  intercomValuesFromHull,
  mapUserToContact,
  STANDARD_FIELDS,
  type AttributeMapping,
  type IntercomValueLookup,
} from "../mapping/user-to-contact";
import type { IntercomDataType } from "../mapping/intercom-value";
import type { OutgoingRun } from "../run/open-outgoing-run";
import type { OutgoingUser } from "../hull-input/user-update";

/** What a contact upsert needs of the run. */
export type UpsertRun = Pick<OutgoingRun, "api" | "settings" | "customAttributes">;

export interface UpsertedContact {
  id: string;
  role: "user" | "lead";
  /** The contact as Intercom last answered, when a request returned it. */
  contact?: IntercomContact;
  created: boolean;
  /**
   * A request wrote the contact (created, attributes updated, unarchived, a lead converted);
   * false when it existed and held every mapped value already, so nothing was sent.
   */
  written: boolean;
  /** A lead that became a user (merged into one, or turned into one). */
  converted: boolean;
  /** The contact was archived in Intercom and this run unarchived it (`unarchive_contacts`). */
  unarchived?: boolean;
  /** What the user should know: attributes left out, a stale id, a duplicate updated instead. */
  warnings: string[];
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

type Target = Omit<UpsertedContact, "created" | "warnings" | "written">;

/**
 * Creates or updates the Intercom contact of a Hull user in as few requests as Hull's knowledge
 * allows (ADR 013): with the Intercom id Hull knows, one `PUT /contacts/{id}`; without one, one
 * `POST /contacts` (create first), and when Intercom answers 409 "already exists with id=…"
 * (intercom-api.md §2.4), one `PUT` of the id it names. Nothing is searched (a search costs a
 * request and lags creation anyway), unless a 409 names no id (`unnamedDuplicate`). An id Intercom no longer has (404) is forgotten and the user
 * is created first. An archived contact is written only after unarchiving it
 * (`unarchive_contacts`); otherwise this throws {@link ArchivedContactError} before anything is
 * written. Throws what the client throws (IntercomApiError for a refusal, RetryableError).
 */
export async function upsertContact(run: UpsertRun, user: OutgoingUser): Promise<UpsertedContact> {
  const knownId = knownIntercomId(user);
  if (!knownId) return createFirst(run, user);
  // Hull holds the contact as archived and the filter let it through: unarchive_contacts is on.
  const unarchived = intercomStates(user).has("archived") && (await unarchive(run, knownId));
  const before = unarchived ? [unarchivedWarning(knownId)] : [];
  const target = await knownTarget(run, user, knownId);
  try {
    const updated = await updateAttributes(run, user, target);
    return {
      ...updated.target,
      created: false,
      written: updated.written || unarchived || target.converted,
      ...(unarchived ? { unarchived } : {}),
      warnings: [...before, ...updated.warnings],
    };
  } catch (error) {
    if (!isNotFound(error) || target.contact) throw error;
  }
  const created = await createFirst(run, user);
  const gone = `Intercom no longer has contact ${knownId}; creating it again`;
  return { ...created, warnings: [...before, gone, ...created.warnings] };
}

const unarchivedWarning = (id: string) =>
  `contact ${id} was archived in Intercom; unarchived it (unarchive_contacts is on)`;

/**
 * `POST /contacts/{id}/unarchive`: true once unarchived, false when Intercom no longer has the
 * contact at all. Throws ArchivedContactError when unarchive_contacts is off.
 */
async function unarchive(run: UpsertRun, id: string): Promise<boolean> {
  if (!run.settings.unarchiveContacts) throw new ArchivedContactError(id);
  try {
    await run.api.unarchiveContact(id);
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
  return true;
}

/** The contact to write for a known id; a lead whose person signed up becomes a user first. */
async function knownTarget(run: UpsertRun, user: OutgoingUser, id: string): Promise<Target> {
  const externalId = hullExternalId(user);
  if (!isKnownLead(user)) return { id, role: "user", converted: false };
  if (!externalId) return { id, role: "lead", converted: false };
  // The lead's person signed up: merge into the user Intercom already has, or make it one.
  const existing = await findUserByExternalId(run.api, externalId);
  if (existing) {
    try {
      const merged = await run.api.mergeContacts(id, existing.id);
      return { id: merged.id, role: "user", contact: merged, converted: true };
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return { id: existing.id, role: "user", contact: existing, converted: true };
    }
  }
  const turned = await run.api.updateContact(id, { role: "user", external_id: externalId });
  return { id: turned.id, role: "user", contact: turned, converted: true };
}

async function customTypes(run: UpsertRun): Promise<ReadonlyMap<string, IntercomDataType>> {
  const needsTypes = run.settings.outgoingAttributes.some(
    (row) => row.name.startsWith("custom_attributes.") || !(row.name.trim() in STANDARD_FIELDS),
  );
  return needsTypes ? run.customAttributes.types() : new Map();
}

function mapAttributes(
  run: UpsertRun,
  user: OutgoingUser,
  types: ReadonlyMap<string, IntercomDataType>,
  intercom: "new" | IntercomValueLookup,
): AttributeMapping {
  return mapUserToContact({
    user,
    rows: run.settings.outgoingAttributes,
    customTypes: types,
    intercom,
  });
}

/**
 * The mapped attributes, every value normalised to its data attribute's type in Intercom's
 * catalogue (issue 15 class 5), and the warnings of the mapping. Missing custom attributes are
 * created first; the catalogue then holds the type Intercom has, whether this user, another user
 * of the run, or a person created it, so the values are mapped again with it: `42` and `"42"`
 * both go as the integer 42 to an integer attribute. Attributes that cannot be created are left
 * out, with a warning.
 */
async function mapForCatalogue(
  run: UpsertRun,
  map: (types: ReadonlyMap<string, IntercomDataType>) => AttributeMapping,
): Promise<{ mapped: AttributeMapping; warnings: string[] }> {
  const warnings: string[] = [];
  let mapped = map(await customTypes(run));
  if (mapped.missing.length > 0) {
    const { refused } = await run.customAttributes.ensure(mapped.missing);
    mapped = map(await customTypes(run));
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
  return { mapped, warnings: [...warnings, ...mapped.warnings] };
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

/**
 * One `PUT /contacts/{id}` with the mapped attributes (none when nothing is to be written): the
 * target as written, the mapping's warnings, and whether the request was made.
 */
async function updateAttributes(
  run: UpsertRun,
  user: OutgoingUser,
  target: Target,
): Promise<{ target: Target; warnings: string[]; written: boolean }> {
  const fromHull = intercomValuesFromHull(user, run.settings.incomingAttributes);
  let lookup = target.contact ? intercomValuesFromContact(target.contact) : fromHull;
  if (!target.contact && mapAttributes(run, user, await customTypes(run), lookup).unknown.length) {
    // "Only where Intercom's is empty" needs Intercom's value, which Hull does not hold yet.
    target = { ...target, contact: await run.api.getContact(target.id) };
    lookup = intercomValuesFromContact(target.contact!);
  }
  const { mapped, warnings } = await mapForCatalogue(run, (types) =>
    mapAttributes(run, user, types, lookup),
  );
  const body = { ...identityFixes(target, user), ...mapped.contact };
  if (Object.keys(body).length === 0) return { target, warnings, written: false };
  const updated = await run.api.updateContact(target.id, body);
  return {
    target: { ...target, role: updated.role ?? target.role, contact: updated },
    warnings,
    written: true,
  };
}

/** `POST /contacts`; a 409 names the contact Intercom already has, which is updated instead. */
async function createFirst(run: UpsertRun, user: OutgoingUser): Promise<UpsertedContact> {
  const { mapped, warnings: mapping } = await mapForCatalogue(run, (types) =>
    mapAttributes(run, user, types, "new"),
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
    const contact = await run.api.createContact(body);
    return {
      id: contact.id,
      role: contact.role,
      contact,
      created: true,
      written: true,
      converted: false,
      warnings: mapping,
    };
  } catch (error) {
    const conflict =
      conflictingContact(error) ?? (await unnamedDuplicate(run.api, error, { email, externalId }));
    if (!conflict) throw error;
    const { id } = conflict;
    // An archived duplicate is not a live one: write into it only once it is unarchived.
    const unarchived = conflict.archived && (await unarchive(run, id));
    const found = conflict.archived
      ? unarchived
        ? [unarchivedWarning(id)]
        : []
      : [`Intercom already had this contact (${id}); updated it instead`];
    // "New" mapped every row; an existing contact is mapped again against what it holds.
    const target: Target = { id, role: "user", converted: false };
    const updated = await updateAttributes(run, user, target);
    return {
      ...updated.target,
      created: false,
      written: updated.written || unarchived,
      ...(unarchived ? { unarchived } : {}),
      warnings: [...found, ...updated.warnings],
    };
  }
}
