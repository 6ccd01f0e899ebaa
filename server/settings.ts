import { z } from "zod";
import { accountSettingsUpdate, storedStrings } from "./accounts/account-settings";
import type { HullConnector } from "./clients/hull/types";
import { intercomField, oneRowPerField } from "./settings-rows";
import { messengerRegion, normaliseRegion, type Region } from "./clients/intercom/regions";

const HEX24 = /^[0-9a-f]{24}$/i;
const attributeName = z
  .string()
  .trim()
  .min(1, "cannot be empty")
  .max(255, "is longer than 255 characters");

const outgoingRow = z
  .object({ hull: attributeName, name: attributeName, overwrite: z.boolean().default(false) })
  .strict();
const incomingRow = z.object({ name: attributeName, hull: attributeName }).strict();

/** What a person may change from the dashboard; anything else is refused with the field named. */
export const settingsUpdateSchema = z
  .object({
    private_settings: z
      .object({
        synchronized_segments: z
          .array(z.string().regex(HEX24, "is not a Hull segment id"))
          .max(1000),
        sync_fields_to_intercom: oneRowPerField(outgoingRow, "name", "Intercom's", intercomField),
        sync_fields_to_hull: oneRowPerField(incomingRow, "hull", "Hull's"),
        send_events: z.array(z.string().trim().min(1).max(255)).max(500),
        create_missing_attributes: z.boolean(),
        ignore_deleted_users: z.boolean(),
        unarchive_contacts: z.boolean(),
        // The Website options (docs/adr/007).
        show_messenger: z.boolean(),
        alignment: z.enum(["left", "right"]),
        // Accounts ↔ companies (server/accounts/, docs/adr/020).
        ...accountSettingsUpdate,
      })
      .strict()
      .partial(),
    /** The Website options as dashboards from before docs/adr/007 send them; stored privately. */
    settings: z
      .object({ show_messenger: z.boolean(), alignment: z.enum(["left", "right"]) })
      .strict()
      .partial(),
  })
  .strict()
  .partial();

export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;

export interface ConnectedWorkspace {
  app_id: string;
  name?: string;
  region: Region;
  admin?: { id?: string; name?: string; email?: string };
  connected_at?: string;
}

export interface ConnectorSettings {
  accessToken?: string;
  workspace?: ConnectedWorkspace;
  synchronizedSegments: string[];
  outgoingAttributes: z.infer<typeof outgoingRow>[];
  incomingAttributes: z.infer<typeof incomingRow>[];
  sendEvents: string[];
  createMissingAttributes: boolean;
  ignoreDeletedUsers: boolean;
  /** Write into a contact archived in Intercom by unarchiving it first (off: leave it alone). */
  unarchiveContacts: boolean;
  tagMapping: Record<string, string>;
  customAttributes: string[];
  lastUpdatedAt?: string;
  leadsLastFetchedAt?: string;
  /** Contacts written at the end of the last incremental fetch of each kind (id → updated_at). */
  fetchEdges: { users: Record<string, number>; leads: Record<string, number> };
}

/** Reads stored settings leniently: a value of the wrong shape counts as unset, never crashes a flow. */
function read<T>(schema: z.ZodType<T>, value: unknown, fallback: T): T {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : fallback;
}

// Built once: zod compiles a schema on its first parse, so schemas made per call cost that
// compilation on every read, which is every notification (bench/README.md, webhooks profile).
const workspaceSchema = z.object({
  app_id: z.string().min(1),
  name: z.string().optional(),
  region: z.string().optional(),
  admin: z.any().optional(),
  connected_at: z.string().optional(),
});
const optionalString = z.string().min(1).optional();
const stringList = z.array(z.string());
const flag = z.boolean();
const stringMap = z.record(z.string(), z.string());
const numberMap = z.record(z.string(), z.number());

export function readSettings(
  connector: Pick<HullConnector, "private_settings">,
): ConnectorSettings {
  const stored = connector.private_settings ?? {};
  const workspace = read(workspaceSchema, stored.intercom_workspace, undefined);
  return {
    accessToken: read(optionalString, stored.access_token, undefined),
    workspace: workspace && { ...workspace, region: normaliseRegion(workspace.region) },
    synchronizedSegments: read(stringList, stored.synchronized_segments, []),
    outgoingAttributes: (Array.isArray(stored.sync_fields_to_intercom)
      ? stored.sync_fields_to_intercom
      : []
    ).flatMap((row) => {
      const parsed = outgoingRow.safeParse(row);
      return parsed.success ? [parsed.data] : [];
    }),
    incomingAttributes: (Array.isArray(stored.sync_fields_to_hull)
      ? stored.sync_fields_to_hull
      : []
    ).flatMap((row) => {
      const parsed = incomingRow.safeParse(row);
      return parsed.success ? [parsed.data] : [];
    }),
    sendEvents: read(stringList, stored.send_events, []),
    createMissingAttributes: read(flag, stored.create_missing_attributes, true),
    ignoreDeletedUsers: read(flag, stored.ignore_deleted_users, true),
    unarchiveContacts: read(flag, stored.unarchive_contacts, false),
    tagMapping: read(stringMap, stored.tag_mapping, {}),
    customAttributes: read(stringList, stored.custom_attributes, []),
    lastUpdatedAt: read(optionalString, stored.last_updated_at, undefined),
    leadsLastFetchedAt: read(optionalString, stored.leads_last_fetched_at, undefined),
    fetchEdges: {
      users: read(
        numberMap,
        (stored.fetch_edges as Record<string, unknown> | undefined)?.users,
        {},
      ),
      leads: read(
        numberMap,
        (stored.fetch_edges as Record<string, unknown> | undefined)?.leads,
        {},
      ),
    },
  };
}

/**
 * The private settings written once OAuth has finished. Nothing goes to public `settings`: Hull's
 * client never writes them (hull-client lib/utils/settings.js) and minihull ignores them; ship.js
 * gets the workspace from `websiteSettings` instead (docs/adr/007).
 */
export function connectionSettings(token: string, workspace: ConnectedWorkspace) {
  return {
    private_settings: {
      access_token: token,
      intercom_workspace: workspace,
      token_fetched_at: workspace.connected_at,
    },
  };
}

export function disconnectionSettings() {
  return {
    private_settings: { access_token: null, intercom_workspace: null, token_fetched_at: null },
  };
}

/**
 * A dashboard save as the private settings it writes: the Website options (`settings` in the
 * dashboard's API) are kept in private_settings too (docs/adr/007), so a save never needs Hull to
 * take public `settings`.
 */
export function privateSettingsUpdate(update: SettingsUpdate): Record<string, unknown> {
  return { ...update.private_settings, ...update.settings };
}

/** The Messenger options a person chose: private_settings first, public ones of older installs next. */
export function messengerOptions(connector: Pick<HullConnector, "private_settings" | "settings">) {
  const pick = (name: string) => connector.private_settings?.[name] ?? connector.settings?.[name];
  return {
    show_messenger: pick("show_messenger") !== false,
    alignment: pick("alignment") === "left" ? ("left" as const) : ("right" as const),
  };
}

/**
 * What ship.js needs to boot the Messenger, served by the connector (`GET /ship/settings`): the
 * workspace's app id and Messenger region, and the Messenger options. Public by nature (Intercom's
 * app id is in every page that embeds the Messenger); never a token. Null before OAuth.
 */
export function websiteSettings(connector: Pick<HullConnector, "private_settings" | "settings">) {
  const workspace = readSettings(connector).workspace;
  if (!workspace) return null;
  return {
    app_id: workspace.app_id,
    region: messengerRegion(workspace.region),
    ...messengerOptions(connector),
  };
}

/**
 * The private_settings the connector writes itself, never a person: the one place their keys are
 * spelled for writing (readSettings above reads them). Each function answers the partial
 * `private_settings` to give `HullRestClient.updateSettings`.
 */
export const ownSettings = {
  /**
   * Segment id → Intercom tag id: the `connector`'s stored mapping (Hull's fresh copy, so a
   * concurrent run's ids are kept) with the ids `learnt` by this run added.
   */
  tagMapping(connector: Pick<HullConnector, "private_settings">, learnt: Record<string, string>) {
    return {
      tag_mapping: { ...storedStrings(connector.private_settings?.tag_mapping), ...learnt },
    };
  },
  /** Custom attribute names seen on Intercom users (the attribute catalogue), merged and sorted. */
  customAttributes(known: Iterable<string>, seen: Iterable<string>) {
    return { custom_attributes: [...new Set([...known, ...seen])].sort() };
  },
  /**
   * Where the next incremental fetch of `role` starts: the newest updated_at read (Unix seconds,
   * stored as ISO-8601) and the contacts at that edge (contact id → updated_at seconds).
   */
  fetchCursor(
    role: "user" | "lead",
    cursorSeconds: number | undefined,
    edges: ConnectorSettings["fetchEdges"],
    edge: Record<string, number>,
  ) {
    const key = role === "user" ? "last_updated_at" : "leads_last_fetched_at";
    return {
      ...(cursorSeconds === undefined
        ? {}
        : { [key]: new Date(cursorSeconds * 1000).toISOString() }),
      fetch_edges: { ...edges, [role === "user" ? "users" : "leads"]: edge },
    };
  },
};

/** The stored cursor (ISO-8601 or Unix time, as stored) of the incremental fetch of `role`. */
export function fetchCursorOf(settings: ConnectorSettings, role: "user" | "lead") {
  return role === "user" ? settings.lastUpdatedAt : settings.leadsLastFetchedAt;
}

/** Settings of a connector connected to an Intercom workspace: a token and the workspace it opens. */
export type ConnectedSettings = ConnectorSettings & {
  accessToken: string;
  workspace: ConnectedWorkspace;
};

/**
 * Whether the connector is connected to Intercom: it holds a token AND knows the workspace. The
 * one test of "connected" for the dashboard, the status, fetches and the flows.
 */
export function isConnected<T extends Pick<ConnectorSettings, "accessToken" | "workspace">>(
  settings: T,
): settings is T & { accessToken: string; workspace: ConnectedWorkspace } {
  return Boolean(settings.accessToken && settings.workspace);
}
