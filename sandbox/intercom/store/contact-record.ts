/** The stand-in's own record of a contact; views (REST, webhook) are built from it. */
export type Role = "user" | "lead";

export interface AppliedTag {
  id: string;
  applied_at: number;
}

export interface RecordedEvent {
  event_name: string;
  created_at: number;
  metadata: Record<string, unknown>;
}

export interface ContactRecord {
  seq: number;
  id: string;
  role: Role;
  external_id: string | null;
  email: string | null;
  phone: string | null;
  name: string | null;
  avatar: string | null;
  owner_id: number | null;
  unsubscribed_from_emails: boolean;
  created_at: number;
  updated_at: number;
  signed_up_at: number | null;
  last_seen_at: number | null;
  custom_attributes: Record<string, string | number | boolean | null>;
  location: { country: string | null; region: string | null; city: string | null };
  tags: AppliedTag[];
  archived: boolean;
}

export function cloneRecord(record: ContactRecord): ContactRecord {
  return {
    ...record,
    custom_attributes: { ...record.custom_attributes },
    location: { ...record.location },
    tags: record.tags.map((tag) => ({ ...tag })),
  };
}
