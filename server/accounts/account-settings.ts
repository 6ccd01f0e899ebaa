import { z } from "zod";
import type { HullConnector } from "../clients/hull/types";
import { intercomField, oneRowPerField } from "../settings-rows";
import type { IncomingAccountRow } from "./mapping/company-to-hull-account";
import type { OutgoingAccountRow } from "./mapping/account-to-company";

const HEX24 = /^[0-9a-f]{24}$/i;
const attributeName = z
  .string()
  .trim()
  .min(1, "cannot be empty")
  .max(255, "is longer than 255 characters");

const outgoingAccountRow = z
  .object({ hull: attributeName, name: attributeName, overwrite: z.boolean().default(false) })
  .strict();
const incomingAccountRow = z.object({ name: attributeName, hull: attributeName }).strict();

/**
 * The account settings a person may change from the dashboard (merged into the settings schema of
 * `server/settings.ts`): the account segments whose accounts become Intercom companies (empty =
 * none), and the account attribute mappings each way.
 */
export const accountSettingsUpdate = {
  synchronized_account_segments: z
    .array(z.string().regex(HEX24, "is not a Hull account segment id"))
    .max(1000),
  sync_account_fields_to_intercom: oneRowPerField(
    outgoingAccountRow,
    "name",
    "Intercom's",
    intercomField,
  ),
  sync_account_fields_to_hull: oneRowPerField(incomingAccountRow, "hull", "Hull's"),
};

export interface AccountSettings {
  synchronizedAccountSegments: string[];
  outgoingAccountAttributes: OutgoingAccountRow[];
  incomingAccountAttributes: IncomingAccountRow[];
  /** Account segment id → the Intercom tag id the connector made for it. */
  accountTagMapping: Record<string, string>;
}

// Built once: zod compiles a schema on its first parse, so one built per call costs every call that.
const segmentIds = z.array(z.string());
const tagMapping = z.record(z.string(), z.string());

function rows<T>(schema: z.ZodType<T>, value: unknown): T[] {
  return (Array.isArray(value) ? value : []).flatMap((row) => {
    const parsed = schema.safeParse(row);
    return parsed.success ? [parsed.data] : [];
  });
}

/**
 * The string entries of a stored map (others dropped one by one, so one bad entry does not cost
 * the rest). Shared with server/settings.ts (which imports this module).
 */
export function storedStrings(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string",
    ),
  );
}

/** Reads the account settings leniently: a value of the wrong shape counts as unset. */
export function readAccountSettings(
  connector: Pick<HullConnector, "private_settings">,
): AccountSettings {
  const stored = connector.private_settings ?? {};
  const segments = segmentIds.safeParse(stored.synchronized_account_segments);
  const mapping = tagMapping.safeParse(stored.account_tag_mapping);
  return {
    synchronizedAccountSegments: segments.success ? segments.data : [],
    outgoingAccountAttributes: rows(outgoingAccountRow, stored.sync_account_fields_to_intercom),
    incomingAccountAttributes: rows(incomingAccountRow, stored.sync_account_fields_to_hull),
    accountTagMapping: mapping.success ? mapping.data : {},
  };
}

/**
 * The account private_settings the connector writes itself (as `ownSettings` in server/settings.ts):
 * each function answers the partial `private_settings` to give `HullRestClient.updateSettings`.
 */
export const ownAccountSettings = {
  /** Account segment id → Intercom tag id: Hull's fresh copy with the ids `learnt` by this run. */
  accountTagMapping(
    connector: Pick<HullConnector, "private_settings">,
    learnt: Record<string, string>,
  ) {
    return {
      account_tag_mapping: {
        ...storedStrings(connector.private_settings?.account_tag_mapping),
        ...learnt,
      },
    };
  },
};
