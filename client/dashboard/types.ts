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
  /** Set while a job waits to try again after a transient failure: tries so far, next try (ISO). */
  retry?: { attempts: number; at: string };
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
    /** Hours the counters cover (the last 24 by default). */
    window_hours?: number;
    counters: Record<string, number>;
    recent_errors: { at: string; message: string }[];
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
  /** Accounts ↔ companies (docs/adr/020); the form state always has them (toFormState). */
  synchronized_account_segments?: string[];
  sync_account_fields_to_intercom?: OutgoingRow[];
  sync_account_fields_to_hull?: IncomingRow[];
}

/** The account fields' pickers (GET /admin/api/account-sources). */
export interface AccountSources {
  account_segments: { id: string; name: string }[];
  hull_account_attributes: { value: string; label: string }[];
  company_attributes: AttributesResponse;
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

export type FetchKind = "users" | "leads" | "companies";

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

export type ActivityKind =
  "connection" | "settings" | "fetch" | "extract" | "user" | "event" | "tag" | "webhook" | "error";
export type ActivityOutcome = "ok" | "skipped" | "failed" | "waiting";

/** One entry of the activity log (GET /admin/api/activity). */
export interface ActivityEntry {
  id: string;
  at: string;
  kind: ActivityKind;
  outcome?: ActivityOutcome;
  message: string;
  person?: { email?: string; hull_id?: string; intercom_id?: string; external_id?: string };
  reason?: string;
  hint?: string;
  by?: string;
  details?: Record<string, string | number | boolean | string[]>;
}

export interface ActivityPage {
  entries: ActivityEntry[];
  next_before?: string;
}

export interface ActivityFilter {
  kind?: ActivityKind;
  q?: string;
  before?: string;
  limit?: number;
}
