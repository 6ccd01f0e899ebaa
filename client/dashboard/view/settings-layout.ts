// The Settings tab's layout, copied from manifest.json's settings_sections and the titles and
// descriptions of the settings they name (the bundle cannot import JSON; a unit test keeps the
// two in step).

export type FieldKind =
  | "segments"
  | "events"
  | "outgoing-rows"
  | "incoming-rows"
  | "boolean"
  | "alignment"
  | "account-segments"
  | "outgoing-account-rows"
  | "incoming-account-rows";

export interface FieldLayout {
  /** "private_settings.synchronized_segments", as in settings_sections. */
  path: string;
  kind: FieldKind;
  title: string;
  description?: string;
}

export interface SectionLayout {
  title: string;
  fields: FieldLayout[];
}

export const SETTINGS_LAYOUT: SectionLayout[] = [
  {
    title: "Outgoing data",
    fields: [
      {
        path: "private_settings.synchronized_segments",
        kind: "segments",
        title: "Send users to Intercom when they belong to one of these segments",
        description:
          'Nobody is sent while this list is empty. A manual "Send to Intercom" from Hull sends whoever you pick.',
      },
      {
        path: "private_settings.sync_fields_to_intercom",
        kind: "outgoing-rows",
        title: "Outgoing attributes (Hull to Intercom)",
        description:
          'Each row writes a Hull attribute into an Intercom attribute. Unless "Hull overwrites Intercom" is ticked, a value is only written where Intercom has none.',
      },
      {
        path: "private_settings.create_missing_attributes",
        kind: "boolean",
        title: "Create missing Intercom custom attributes",
        description:
          "When an outgoing row names a custom attribute Intercom does not have yet, create it through Intercom's Data Attributes API.",
      },
      {
        path: "private_settings.send_events",
        kind: "events",
        title: "Send these Hull events to Intercom",
        description: "Events that came from Intercom are never sent back.",
      },
      {
        path: "private_settings.ignore_deleted_users",
        kind: "boolean",
        title: "Do not send users deleted in Intercom",
        description: "A user Intercom reported as deleted is not recreated by the outgoing sync.",
      },
      {
        path: "private_settings.unarchive_contacts",
        kind: "boolean",
        title: "Unarchive contacts archived in Intercom",
        description:
          "Off: nothing is written into a contact archived in Intercom, and the Hull user says why (intercom/skipped_reason). On: the outgoing sync unarchives it, then updates it.",
      },
    ],
  },
  {
    title: "Incoming data",
    fields: [
      {
        path: "private_settings.sync_fields_to_hull",
        kind: "incoming-rows",
        title: "Incoming attributes (Intercom to Hull)",
        description:
          "Custom attributes to copy from Intercom. Standard attributes always arrive in the intercom/ group.",
      },
    ],
  },
  {
    title: "Accounts and companies",
    fields: [
      {
        path: "private_settings.synchronized_account_segments",
        kind: "account-segments",
        title:
          "Send accounts to Intercom as companies when they belong to one of these account segments",
        description:
          "No account is sent while this list is empty. Users of these accounts who are sent to Intercom are attached to the account's company; each account segment becomes a company tag.",
      },
      {
        path: "private_settings.sync_account_fields_to_intercom",
        kind: "outgoing-account-rows",
        title: "Outgoing account attributes (Hull to Intercom companies)",
        description:
          'Each row writes a Hull account attribute into an Intercom company attribute. The account\'s external_id (else its domain) is the company_id. Unless "Hull overwrites Intercom" is ticked, a value is only written where Intercom has none.',
      },
      {
        path: "private_settings.sync_account_fields_to_hull",
        kind: "incoming-account-rows",
        title: "Incoming account attributes (Intercom companies to Hull)",
        description:
          "Company custom attributes to copy to the Hull account. Standard company attributes always arrive in the account's intercom/ group.",
      },
    ],
  },
  {
    title: "Website",
    fields: [
      {
        path: "private_settings.show_messenger",
        kind: "boolean",
        title: "Show the Intercom Messenger on your website",
        description: "Off: activity is still mirrored to Intercom, but no launcher is shown.",
      },
      { path: "private_settings.alignment", kind: "alignment", title: "Launcher position" },
    ],
  },
];
