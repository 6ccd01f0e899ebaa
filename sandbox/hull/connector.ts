import { isRecord } from "./errors.js";

export type Settings = Record<string, unknown>;

export interface ConnectorStatus {
  status: string;
  messages: string[];
  updated_at: string;
}

/** The connector object as Hull's API returns it (hull-platform.md §2.7). */
export interface ConnectorObject {
  id: string;
  name: string;
  description: string;
  tags: unknown[];
  type: "ship";
  source_url: string;
  index: string;
  picture: string | null;
  homepage_url: string;
  manifest_url: string;
  manifest: Record<string, unknown>;
  settings: Settings;
  private_settings: Settings;
  status: ConnectorStatus;
  accept_incoming_webhooks: boolean;
  created_at: string;
  updated_at: string;
  extra: Record<string, unknown>;
  secret: string;
}

export interface ConnectorState {
  readonly id: string;
  readonly secret: string;
  /** "host:port", known once the sandbox listens. */
  organization: string;
  connectorUrl: string;
  settings: Settings;
  privateSettings: Settings;
  status: ConnectorStatus;
  readonly createdAt: string;
  updatedAt: string;
}

/** Fills unset settings from the manifest's `default`s, as Hull's framework does. */
export function applySettingDefaults(definitions: unknown, values: Settings): Settings {
  const result: Settings = { ...values };
  if (!Array.isArray(definitions)) return result;
  for (const definition of definitions) {
    if (!isRecord(definition) || typeof definition.name !== "string") continue;
    if (result[definition.name] === undefined && definition.default !== undefined) {
      result[definition.name] = structuredClone(definition.default);
    }
  }
  return result;
}

export function createConnectorState(input: {
  id: string;
  secret: string;
  organization: string;
  connectorUrl: string;
  manifest: Record<string, unknown>;
}): ConnectorState {
  const now = new Date().toISOString();
  const statuses = Array.isArray(input.manifest.statuses) ? input.manifest.statuses : [];
  const initial = statuses.find(isRecord)?.initial_value;
  return {
    id: input.id,
    secret: input.secret,
    organization: input.organization,
    connectorUrl: input.connectorUrl,
    settings: applySettingDefaults(input.manifest.settings, {}),
    privateSettings: applySettingDefaults(input.manifest.private_settings, {}),
    status: {
      status: typeof initial === "string" ? initial : "ok",
      messages: [],
      updated_at: now,
    },
    createdAt: now,
    updatedAt: now,
  };
}

/** Builds the full connector object, secret included (what the org API and notifications carry). */
export function toConnectorObject(
  state: ConnectorState,
  manifest: Record<string, unknown>,
): ConnectorObject {
  const sourceUrl = state.connectorUrl ? `${state.connectorUrl}/` : "";
  const resolveAsset = (path: unknown) =>
    typeof path === "string" && path && sourceUrl ? new URL(path, sourceUrl).toString() : null;
  return {
    id: state.id,
    name: typeof manifest.name === "string" ? manifest.name : "Connector",
    description: typeof manifest.description === "string" ? manifest.description : "",
    tags: Array.isArray(manifest.tags) ? manifest.tags : [],
    type: "ship",
    source_url: sourceUrl,
    // `index` is the manifest's script path resolved against source_url (§1.1).
    index: resolveAsset(manifest.index) ?? "",
    picture: resolveAsset(manifest.picture),
    homepage_url: `http://${state.organization}/connectors/${state.id}`,
    manifest_url: `${sourceUrl}manifest.json`,
    manifest,
    settings: applySettingDefaults(manifest.settings, state.settings),
    private_settings: applySettingDefaults(manifest.private_settings, state.privateSettings),
    status: { ...state.status },
    accept_incoming_webhooks: true,
    created_at: state.createdAt,
    updated_at: state.updatedAt,
    extra: {},
    secret: state.secret,
  };
}
