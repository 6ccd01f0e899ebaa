import {
  attachSentUsers,
  handleAccountNotification,
} from "../accounts/outgoing/handle-account-notification";
import { personOf, userSkippedEntry } from "../activity-entries";
import type { HullConnector, HullCredentials } from "../clients/hull/types";
import { RetryableError, type FlowControl } from "../errors";
import type { Logger } from "../log";
import { readSettings } from "../settings";
import { intercomApiFor } from "../connection/intercom-api-for";
import { selectUsers, type Selection } from "./filter/select-users";
import { readUserUpdateMessage, type SegmentRef } from "./hull-input/user-update";
import type { CustomAttributeCache } from "./intercom/custom-attributes";
import { renameSegmentTags, reportDeletedSegments } from "./intercom/segment-changes";
import type { PendingUsers } from "./pending/pending-users";
import { openOutgoingRun, type OutgoingDeps } from "./run/open-outgoing-run";
import { recordSkips } from "./run/record-skips";
import { sendUsers } from "./run/send-users";

export interface Notification {
  credentials: HullCredentials;
  /** The connector as the notification carries it: the freshest settings. */
  connector: HullConnector;
  channel: string;
  /** All user segments of the organization, with names. */
  segments: SegmentRef[];
  /** All account segments of the organization, with names (`accounts_segments`). */
  accountSegments?: SegmentRef[];
  messages: unknown[];
  /** `is_export: true`: a "send to" export arriving as a notification (hull-platform.md §2.6). */
  isExport: boolean;
}

export interface NotificationOptions {
  attributeCache: CustomAttributeCache;
  /** Longest wait for Intercom's rate budget while Hull waits for the answer. */
  maxWaitMs: number;
}

/** Flow control `FlowControl` Hull is told instead of success (undefined = the usual answer). */
export type NotificationResult = { handled: boolean; flowControl?: FlowControl };

/** What the notification flow needs: the outgoing flow, and the users it took over from Hull. */
export interface NotificationDeps extends OutgoingDeps {
  pending: PendingUsers;
  /** Wakes the drain of waiting users (after a notification handed some over). */
  pendingDrain?: { kick(): void };
}

/**
 * Waiting users above which Hull is slowed down hard: the store stays bounded while Intercom's
 * budget is gone for long. Below it, Hull only sends smaller batches with a pause.
 */
const HIGH_WATER_USERS = 5000;

/**
 * Flow control while users wait for Intercom: `next` (the users are the connector's now, so
 * nothing is resent), with smaller batches and a longer pause than success's `{size 100, in 1}`
 * (hull-platform.md §2.4), much longer once many users wait.
 */
export function slowDown(waitingUsers: number): FlowControl {
  return waitingUsers >= HIGH_WATER_USERS
    ? { type: "next", size: 10, in: 30_000 }
    : { type: "next", size: 50, in: 250 };
}

/**
 * Keeps the users durably for the drain (ADR 012) and says how to slow Hull down; throws (so
 * Hull resends the notification) when the store cannot keep them.
 */
async function takeOver(
  deps: NotificationDeps,
  credentials: HullCredentials,
  send: Selection["send"],
  manual: boolean,
  logger: Logger,
): Promise<NotificationResult> {
  await deps.pending.add(
    credentials,
    send.map(({ update }) => ({ update, manual })),
  );
  const { users } = await deps.pending.summary(credentials.id);
  logger.info({ users: send.length, waiting: users }, "outgoing.pending.kept");
  deps.activity.count(credentials.id, "outgoing.users.kept", send.length);
  deps.pendingDrain?.kick();
  return { handled: true, flowControl: slowDown(users) };
}

function segmentMessages(messages: unknown[]): SegmentRef[] {
  return messages.flatMap((message) => {
    const { id, name } = (message ?? {}) as { id?: unknown; name?: unknown };
    return typeof id === "string" && typeof name === "string" ? [{ id, name }] : [];
  });
}

/**
 * One smart-notifier call. Resolves when everything is in Intercom (answer `next`), or when the
 * users Intercom could not take in time are kept for the drain (answer `next`, slower); throws
 * what tells Hull to resend (ConfigurationError, a store that cannot keep users). Malformed
 * messages are refused before anything is sent. While users wait, newer updates of anyone wait
 * behind them, so no user is sent out of order.
 */
export async function handleNotification(
  deps: NotificationDeps,
  notification: Notification,
  options: NotificationOptions,
): Promise<NotificationResult> {
  const { credentials, connector, channel } = notification;
  const settings = readSettings(connector);
  const logger = deps.logger.child({ connector: credentials.id, channel });
  switch (channel) {
    case "user:update":
    case "user_report:update": {
      const names = new Map(notification.segments.map(({ id, name }) => [id, name]));
      const updates = notification.messages.map((message) => readUserUpdateMessage(message, names));
      const selection = selectUsers(updates, settings, { manual: notification.isExport });
      const users = new Map(updates.map(({ user }) => [user.id, user]));
      for (const skipped of selection.skipped) {
        logger.debug(skipped, "outgoing.user.skip");
        deps.activity.record(
          credentials.id,
          userSkippedEntry(skipped, personOf(users.get(skipped.userId) ?? {})),
        );
      }
      if (selection.skipped.length > 0) {
        deps.activity.count(credentials.id, "outgoing.users.skipped", selection.skipped.length);
      }
      await recordSkips(deps, credentials, selection.skipped);
      if (selection.send.length === 0) return { handled: true };
      const manual = notification.isExport;
      if ((await deps.pending.summary(credentials.id)).users > 0) {
        return takeOver(deps, credentials, selection.send, manual, logger);
      }
      const run = openOutgoingRun(deps, credentials, settings, options);
      const { outcomes, unsent, stoppedBy } = await sendUsers(run, selection);
      if (stoppedBy === undefined) {
        // Contacts ↔ companies of the synchronized accounts (server/accounts/, docs/adr/020).
        await attachSentUsers(deps, notification, outcomes, options);
        return { handled: true };
      }
      if (!(stoppedBy instanceof RetryableError)) throw stoppedBy;
      return takeOver(deps, credentials, unsent, manual, logger);
    }
    case "users_segment:update":
    case "segment:update": {
      const api = intercomApiFor(deps.intercom, settings, { maxWaitMs: options.maxWaitMs });
      await renameSegmentTags(api, settings, segmentMessages(notification.messages), logger);
      return { handled: true };
    }
    case "users_segment:delete":
    case "segment:delete":
      reportDeletedSegments(settings, segmentMessages(notification.messages), logger);
      return { handled: true };
    case "ship:update":
      // Settings are read from every notification, so there is nothing to refresh; answering
      // without writing anything also keeps our own settings writes from looping (§2.5).
      return { handled: true };
    case "account:update":
    case "accounts_segment:update":
    case "accounts_segment:delete":
      await handleAccountNotification(
        deps,
        { ...notification, accountSegments: notification.accountSegments ?? [] },
        options,
      );
      return { handled: true };
    default:
      logger.info("unsupported notification channel");
      return { handled: false };
  }
}
