import type { HullAttributeNode, HullConnector, HullSegment } from "../clients/hull/types";
import { readAccountSettings } from "../accounts/account-settings";
import { messengerOptions, readSettings } from "../settings";
import { withoutTraitsPrefix } from "../../common/identity";
import { segmentSize } from "../segment-members/plan-member-extracts";

/** Hull's own events a person can always pick. */
const DEFAULT_EVENTS = ["Entered segment", "Left segment"];

/** What the dashboard may edit, read from the connector with defaults applied. */
export function editableSettings(connector: Pick<HullConnector, "private_settings" | "settings">) {
  const settings = readSettings(connector);
  const accounts = readAccountSettings(connector);
  return {
    private_settings: {
      synchronized_segments: settings.synchronizedSegments,
      sync_fields_to_intercom: settings.outgoingAttributes,
      sync_fields_to_hull: settings.incomingAttributes,
      send_events: settings.sendEvents,
      create_missing_attributes: settings.createMissingAttributes,
      ignore_deleted_users: settings.ignoreDeletedUsers,
      unarchive_contacts: settings.unarchiveContacts,
      // The Website options (docs/adr/007).
      ...messengerOptions(connector),
      // Accounts ↔ companies (docs/adr/020).
      synchronized_account_segments: accounts.synchronizedAccountSegments,
      sync_account_fields_to_intercom: accounts.outgoingAccountAttributes,
      sync_account_fields_to_hull: accounts.incomingAccountAttributes,
    },
  };
}

const nonEmpty = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

/**
 * Hull's attribute tree as picker options: leaves only, without the `traits_` prefix. A node is a
 * leaf when it has a name (`id`, or `key` in older trees), as hull-client's
 * lib/utils/properties.js reads it; otherwise its `children` are read. Anything else is skipped.
 */
export function hullAttributeOptions(nodes: unknown): { value: string; label: string }[] {
  if (!Array.isArray(nodes)) return [];
  return nodes.flatMap((node: HullAttributeNode | null) => {
    if (typeof node !== "object" || node === null) return [];
    const name = nonEmpty(node.id) ?? nonEmpty(node.key);
    if (!name) return hullAttributeOptions(node.children);
    const value = withoutTraitsPrefix(name);
    return [{ value, label: nonEmpty(node.text) ?? nonEmpty(node.name) ?? value }];
  });
}

/**
 * The settings tab's data: the editable values and the options of every picker. `hullEvents` are
 * the event names Hull holds (`GET /api/v1/search/event/bootstrap`).
 */
export function settingsView(
  connector: Pick<HullConnector, "private_settings" | "settings">,
  segments: readonly HullSegment[],
  tree: unknown,
  hullEvents: readonly string[] = [],
) {
  const editable = editableSettings(connector);
  return {
    ...editable,
    options: {
      // `size`: Hull's member count (`stats.users`), absent when Hull gave none.
      segments: segments.map((segment) => {
        const size = segmentSize(segment);
        return { id: segment.id, name: segment.name, ...(size === undefined ? {} : { size }) };
      }),
      // Hull's own event names (GET search/event/bootstrap), then any already picked.
      events: [
        ...new Set([...DEFAULT_EVENTS, ...hullEvents, ...editable.private_settings.send_events]),
      ],
      hull_attributes: hullAttributeOptions(tree),
    },
  };
}
