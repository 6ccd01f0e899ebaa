/** The parts of Intercom's 2.14 objects the connector reads (reference/intercom-api.md §1). */
export interface IntercomContact {
  type: "contact";
  id: string;
  workspace_id?: string;
  external_id: string | null;
  role: "user" | "lead";
  email: string | null;
  phone?: string | null;
  name?: string | null;
  avatar?: { image_url?: string | null } | string | null;
  owner_id?: number | null;
  created_at?: number | string | null;
  updated_at?: number | string | null;
  signed_up_at?: number | string | null;
  last_seen_at?: number | string | null;
  custom_attributes?: Record<string, unknown>;
  tags?: { data?: { id: string; name?: string }[] };
  location?: Record<string, unknown> | null;
  [field: string]: unknown;
}

export interface ContactList {
  type: "list";
  data: IntercomContact[];
  total_count?: number;
  pages?: {
    next?: { starting_after?: string } | null;
    total_pages?: number;
    page?: number;
    per_page?: number;
  };
}

export interface IntercomTag {
  type: "tag";
  id: string;
  name: string;
}

export interface DataAttribute {
  type: "data_attribute";
  id?: number;
  model: string;
  name: string;
  full_name: string;
  label?: string;
  description?: string;
  data_type: "string" | "integer" | "float" | "boolean" | "date" | "datetime" | string;
  api_writable?: boolean;
  custom?: boolean;
  archived?: boolean;
}

export interface IntercomAdmin {
  type: "admin";
  id: string;
  name?: string;
  email?: string;
  app?: { id_code: string; name?: string; region?: string; timezone?: string };
}

export type SearchQuery =
  | { field: string; operator: string; value: unknown }
  | { operator: "AND" | "OR"; value: SearchQuery[] };

export interface ContactWrite {
  role?: "user" | "lead";
  external_id?: string;
  email?: string;
  phone?: string;
  name?: string;
  avatar?: string;
  signed_up_at?: number;
  last_seen_at?: number;
  owner_id?: number;
  unsubscribed_from_emails?: boolean;
  custom_attributes?: Record<string, unknown>;
}

export interface DataEvent {
  event_name: string;
  created_at: number;
  id?: string;
  user_id?: string;
  email?: string;
  metadata?: Record<string, unknown>;
}
