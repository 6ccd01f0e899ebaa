// Wire types of the connector's /admin/api routes, as the dashboard brief describes them.

export type Region = "US" | "EU" | "AU";
export type StatusLevel = "ok" | "warning" | "error" | "setupRequired";
export type JobState = "queued" | "running" | "done" | "failed";

export interface JobProgress {
  /** Contacts read from Intercom. */
  fetched: number;
  /** Contacts written to Hull, when fewer than read (incremental fetches skip unchanged ones). */
  written?: number;
  total?: number;
  rate_per_s?: number;
  eta_s?: number;
  errors: number;
}

export interface Job {
  id: string;
  kind: string;
  state: JobState;
  progress: JobProgress;
  started_at?: string;
  finished_at?: string;
  duration_s?: number;
  error?: string;
}

export interface Workspace {
  app_id: string;
  name?: string;
  region: Region;
  admin?: { name?: string; email?: string };
  connected_at?: string;
}

export interface Overview {
  connector: { id: string; name: string };
  connection: { connected: boolean; workspace?: Workspace };
  status: { status: StatusLevel; messages: string[] };
  activity: {
    counters: Record<string, number>;
    recent_errors: { at: string; message: string }[];
    recent_activity?: { at: string; message: string }[];
  };
  /** Users Hull handed over that wait for Intercom's rate budget (ADR 012). */
  outgoing?: { waiting_users: number; waiting_since?: string };
  jobs: Job[];
}

export interface OutgoingRow {
  hull: string;
  name: string;
  overwrite: boolean;
}

export interface IncomingRow {
  name: string;
  hull: string;
}

export interface PrivateSettings {
  synchronized_segments: string[];
  sync_fields_to_intercom: OutgoingRow[];
  sync_fields_to_hull: IncomingRow[];
  send_events: string[];
  create_missing_attributes: boolean;
  ignore_deleted_users: boolean;
  unarchive_contacts: boolean;
  /** The Website options, kept in private_settings (docs/adr/007). */
  show_messenger: boolean;
  alignment: "left" | "right";
}

export interface SegmentOption {
  id: string;
  name: string;
  /** Hull's member count (`stats.users`); absent when Hull gave none. */
  size?: number;
}

export interface SettingsOptions {
  segments: SegmentOption[];
  events: string[];
  hull_attributes: { value: string; label: string }[];
}

export interface SettingsResponse {
  private_settings: PrivateSettings;
  options: SettingsOptions;
}

/** What became of one "send current members" request (server/segment-members). */
export interface MemberExtract {
  segment_id: string;
  name: string;
  members?: number;
  requested: boolean;
  error?: string;
}

export interface SettingsUpdate {
  private_settings?: Partial<PrivateSettings>;
}

export interface IntercomAttribute {
  value: string;
  label: string;
  type?: string;
  writable: boolean;
  custom: boolean;
}

export interface AttributesResponse {
  known: boolean;
  options: IntercomAttribute[];
}

export type FetchKind = "users" | "leads";

export interface FetchResponse {
  started: boolean;
  job?: Job;
  message: string;
}

/** One field-level problem, as the API sends it in `details` and as local validation makes it. */
export interface FieldError {
  path: string;
  message: string;
}

/** A record Hull refused for good (GET /admin/api/dead-letters). */
export interface DeadLetterRow {
  id: string;
  at: string;
  source: "webhook" | "fetch" | "replay" | "retry";
  reason: string;
  what: string;
  who: string;
}

export interface DeadLetters {
  total: number;
  letters: DeadLetterRow[];
}

export type RetryResult =
  { outcome: "written" } | { outcome: "refused"; reason: string } | { outcome: "queued" };
