import type { PrivateSettings, SettingsResponse, SettingsUpdate } from "../types";

/** What the settings form edits: the saved values, never the options that feed the pickers. */
export interface FormState {
  private_settings: PrivateSettings;
}

const PRIVATE_DEFAULTS: PrivateSettings = {
  synchronized_segments: [],
  sync_fields_to_intercom: [],
  sync_fields_to_hull: [],
  send_events: [],
  create_missing_attributes: true,
  ignore_deleted_users: true,
  unarchive_contacts: false,
  show_messenger: true,
  alignment: "right",
  synchronized_account_segments: [],
  sync_account_fields_to_intercom: [],
  sync_account_fields_to_hull: [],
};

/** Copies the server's values into a form state, filling gaps with manifest defaults. */
export function toFormState(response: Pick<SettingsResponse, "private_settings">) {
  const saved = response.private_settings ?? {};
  const state: FormState = {
    private_settings: {
      ...PRIVATE_DEFAULTS,
      ...saved,
      synchronized_segments: [...(saved.synchronized_segments ?? [])],
      send_events: [...(saved.send_events ?? [])],
      sync_fields_to_intercom: (saved.sync_fields_to_intercom ?? []).map((row) => ({
        hull: row.hull ?? "",
        name: row.name ?? "",
        overwrite: row.overwrite === true,
      })),
      sync_fields_to_hull: (saved.sync_fields_to_hull ?? []).map((row) => ({
        name: row.name ?? "",
        hull: row.hull ?? "",
      })),
      synchronized_account_segments: [...(saved.synchronized_account_segments ?? [])],
      sync_account_fields_to_intercom: (saved.sync_account_fields_to_intercom ?? []).map((row) => ({
        hull: row.hull ?? "",
        name: row.name ?? "",
        overwrite: row.overwrite === true,
      })),
      sync_account_fields_to_hull: (saved.sync_account_fields_to_hull ?? []).map((row) => ({
        name: row.name ?? "",
        hull: row.hull ?? "",
      })),
    },
  };
  return state;
}

/**
 * The PUT body that turns `saved` into `current`: only the keys that changed, whole values for
 * arrays; null when nothing changed (the Save button stays disabled).
 */
export function diffSettings(saved: FormState, current: FormState): SettingsUpdate | null {
  const update: SettingsUpdate = {};
  const privateChanges = changedKeys(saved.private_settings, current.private_settings);
  if (privateChanges) update.private_settings = privateChanges;
  return privateChanges ? update : null;
}

function changedKeys<T extends object>(before: T, after: T): Partial<T> | undefined {
  const changes: Partial<T> = {};
  let changed = false;
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      changes[key] = after[key];
      changed = true;
    }
  }
  return changed ? changes : undefined;
}
