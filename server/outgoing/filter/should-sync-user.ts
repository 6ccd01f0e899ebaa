import { withoutTraitsPrefix } from "../../../common/identity";
import type { ConnectorSettings } from "../../settings";
import type { IntercomState } from "../../intercom-states";
import {
  hullEmail,
  hullExternalId,
  intercomStates,
  knownIntercomId,
} from "../hull-input/intercom-traits";
import { isSendableEvent } from "../mapping/event-to-data-event";
import type { UserUpdate } from "../hull-input/user-update";

/**
 * Why a user is left out, as a stable code: what the dashboard's hint and any other reader test
 * (the `reason` beside it is for people and may be reworded).
 */
export type SkipCode =
  | "deleted"
  | "archived"
  | "no-identifier"
  | "no-segments"
  | "not-in-segment"
  | "loop-guard"
  | "nothing-changed";

export type SyncDecision =
  | { send: "everything" }
  /** The user left every synchronized segment: only the tags of the segments left come off. */
  | { send: "tags-only" }
  /**
   * `state`: left out because of what Intercom reported (deleted, archived); the Hull user is
   * told why, since nothing else shows it.
   */
  | { send: "nothing"; code: SkipCode; reason: string; state?: IntercomState };

export type FilterSettings = Pick<
  ConnectorSettings,
  | "synchronizedSegments"
  | "ignoreDeletedUsers"
  | "unarchiveContacts"
  | "outgoingAttributes"
  | "sendEvents"
>;

/**
 * Decides whether a user goes to Intercom (DESIGN.md §5; Intercom states: server/intercom-states.ts).
 * `manual` is Hull's "send to Intercom"
 * extract: everyone in it is sent, whatever the whitelist (hull-intercom-classic.md §2.15).
 */
export function shouldSyncUser(
  update: UserUpdate,
  settings: FilterSettings,
  { manual = false }: { manual?: boolean } = {},
): SyncDecision {
  const { user, changes } = update;
  const states = intercomStates(user);
  if (settings.ignoreDeletedUsers && states.has("deleted")) {
    return {
      send: "nothing",
      code: "deleted",
      reason: "deleted in Intercom (ignore_deleted_users is on)",
      state: "deleted",
    };
  }
  // Nothing is written into an archived contact unless the connector may unarchive it; a
  // create would only meet Intercom's "archived contact … already exists" 409 (§2.4).
  if (states.has("archived") && !settings.unarchiveContacts && !states.has("deleted")) {
    return {
      send: "nothing",
      code: "archived",
      reason: "archived in Intercom (unarchive_contacts is off)",
      state: "archived",
    };
  }
  if (!knownIntercomId(user) && !hullEmail(user) && !hullExternalId(user)) {
    return {
      send: "nothing",
      code: "no-identifier",
      reason: "no email, external_id or Intercom id to identify it by",
    };
  }
  if (manual) return { send: "everything" };

  const whitelist = new Set(settings.synchronizedSegments);
  const inWhitelist = user.segment_ids.some((id) => whitelist.has(id));
  if (!inWhitelist) {
    const leftWhitelisted = changes?.left.some((segment) => whitelist.has(segment.id)) ?? false;
    if (leftWhitelisted && knownIntercomId(user)) return { send: "tags-only" };
    return whitelist.size === 0
      ? {
          send: "nothing",
          code: "no-segments",
          reason: "no synchronized segments are configured (nobody is sent)",
        }
      : { send: "nothing", code: "not-in-segment", reason: "not in a synchronized segment" };
  }
  if (!changes) return { send: "everything" };

  const changed = Object.keys(changes.user);
  const segmentsChanged = changes.entered.length > 0 || changes.left.length > 0;
  const hasEvents = update.events.some((event) => isSendableEvent(event, settings.sendEvents));
  if (segmentsChanged || hasEvents || changed.length === 0) return { send: "everything" };

  // Loop guard: the connector's own write-back (intercom/id) and the incoming flow's intercom/*
  // attributes come back as user:update; they alone must send nothing (classic bug §5.7 skipped
  // even messages that also entered segments, which is why segment changes are checked first).
  if (changed.every((name) => name.startsWith("intercom/"))) {
    return {
      send: "nothing",
      code: "loop-guard",
      reason: "only intercom/ attributes changed (loop guard)",
    };
  }
  const relevant = new Set([
    "email",
    "external_id",
    ...settings.outgoingAttributes.map((row) => withoutTraitsPrefix(row.hull)),
  ]);
  if (!changes.isNew && knownIntercomId(user) && !changed.some((name) => relevant.has(name))) {
    return { send: "nothing", code: "nothing-changed", reason: "no mapped attribute changed" };
  }
  return { send: "everything" };
}
