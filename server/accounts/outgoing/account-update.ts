import { z } from "zod";
import { BadRequestError } from "../../errors";
import { extractLineSegmentIds } from "../../outgoing/hull-input/user-update";
import type { OutgoingAccount, SegmentRef } from "../mapping/account-to-company";

/** One account to send, from an `account:update` message (hull-platform.md §2.3, §2.5). */
export interface AccountUpdate {
  account: OutgoingAccount & { id: string };
  /** The account's current segments, with names. */
  segments: SegmentRef[];
  /** Segments the account just left (`changes.account_segments.left`). */
  left: SegmentRef[];
}

const segmentRef = z.looseObject({ id: z.string().min(1), name: z.string().default("") });
const messageSchema = z.looseObject({
  account: z.looseObject({ id: z.string().min(1) }),
  account_segments: z.array(segmentRef).optional(),
  account_segment_ids: z.array(z.string()).optional(),
  changes: z
    .looseObject({
      account_segments: z
        .looseObject({ left: z.array(segmentRef).optional() })
        .optional()
        .catch(undefined),
    })
    .optional()
    .catch(undefined),
});

/**
 * Reads one `account:update` message: `account` (the account report, keys without prefix),
 * `account_segments` (or ids named from the notification's `accounts_segments`), and the
 * segments left. Throws BadRequestError naming the field when the message is not one.
 */
export function readAccountUpdateMessage(
  message: unknown,
  names: ReadonlyMap<string, string>,
): AccountUpdate {
  const parsed = messageSchema.safeParse(message);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadRequestError(
      `Not an account:update message: ${issue?.path.join(".") || "message"} ${issue?.message ?? ""}`.trim(),
    );
  }
  const { account, account_segments, account_segment_ids, changes } = parsed.data;
  const segments =
    account_segments?.map(({ id, name }) => ({ id, name: name || names.get(id) || "" })) ??
    (account_segment_ids ?? []).map((id) => ({ id, name: names.get(id) ?? "" }));
  const left = (changes?.account_segments?.left ?? []).map(({ id, name }) => ({
    id,
    name: name || names.get(id) || "",
  }));
  return { account: account as AccountUpdate["account"], segments, left };
}

/** The account segments of a `user:update` message's account (`account_segments`), if any. */
export function userAccountOf(
  message: unknown,
): { account: OutgoingAccount & { id: string }; segmentIds: string[] } | undefined {
  const parsed = z
    .looseObject({
      account: z
        .looseObject({ id: z.string().min(1) })
        .optional()
        .catch(undefined),
      account_segments: z.array(segmentRef).optional().catch(undefined),
      account_segment_ids: z.array(z.string()).optional().catch(undefined),
    })
    .safeParse(message);
  if (!parsed.success || !parsed.data.account) return undefined;
  const ids =
    parsed.data.account_segment_ids ?? parsed.data.account_segments?.map(({ id }) => id) ?? [];
  return { account: parsed.data.account as OutgoingAccount & { id: string }, segmentIds: ids };
}

const reportSchema = z.looseObject({
  id: z.string().min(1),
  segment_ids: z.array(z.string()).optional().catch(undefined),
  account_segment_ids: z.array(z.string()).optional().catch(undefined),
});

/**
 * Reads one line of an `account_report` extract (hull-platform.md §2.6: JSON values, one per line;
 * an account report, keys without prefix, with its `segment_ids`) as an account to send: its
 * current segments named from `names` (`accounts_segments`), plus the account segment the
 * extract's callback names (`callbackSegmentId`, as hull@0.14.2 adds it to every line:
 * `extractLineSegmentIds`), nothing left. Throws BadRequestError naming the field when the value
 * is not an account report.
 */
export function readAccountReport(
  report: unknown,
  names: ReadonlyMap<string, string>,
  callbackSegmentId?: string,
): AccountUpdate {
  const parsed = reportSchema.safeParse(report);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadRequestError(
      `Not an account report: ${issue?.path.join(".") || "line"} ${issue?.message ?? ""}`.trim(),
    );
  }
  const ids = extractLineSegmentIds(
    parsed.data.segment_ids ?? parsed.data.account_segment_ids,
    callbackSegmentId,
  );
  return {
    account: parsed.data as AccountUpdate["account"],
    segments: ids.map((id) => ({ id, name: names.get(id) ?? "" })),
    left: [],
  };
}
