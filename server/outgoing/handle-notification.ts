import type { HullConnector, HullCredentials } from "../clients/hull/types";
import { readSettings } from "../settings";
import type { CustomAttributeCache } from "./custom-attributes";
import { selectUsers } from "./filter/select-users";
import { intercomForSync } from "./intercom-for-sync";
import { openOutgoingRun, type OutgoingDeps } from "./open-outgoing-run";
import { recordSkips } from "./record-skips";
import { renameSegmentTags, reportDeletedSegments } from "./segment-changes";
import { syncUsers } from "./sync-users";
import { readUserUpdateMessage, type SegmentRef } from "./user-update";

export interface Notification {
  credentials: HullCredentials;
  /** The connector as the notification carries it: the freshest settings. */
  connector: HullConnector;
  channel: string;
  /** All user segments of the organization, with names. */
  segments: SegmentRef[];
  messages: unknown[];
  /** `is_export: true`: a "send to" export arriving as a notification (hull-platform.md §2.6). */
  isExport: boolean;
}

export interface NotificationOptions {
  attributeCache: CustomAttributeCache;
  /** Longest wait for Intercom's rate budget while Hull waits for the answer. */
  maxWaitMs: number;
}

export type NotificationResult = { handled: boolean };

function segmentMessages(messages: unknown[]): SegmentRef[] {
  return messages.flatMap((message) => {
    const { id, name } = (message ?? {}) as { id?: unknown; name?: unknown };
    return typeof id === "string" && typeof name === "string" ? [{ id, name }] : [];
  });
}

/**
 * One smart-notifier call. Resolves when everything is in Intercom (answer `next`); throws what
 * tells Hull to resend (RetryableError, ConfigurationError). Malformed messages are refused
 * before anything is sent.
 */
export async function handleNotification(
  deps: OutgoingDeps,
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
      for (const skipped of selection.skipped) logger.debug(skipped, "outgoing.user.skip");
      if (selection.skipped.length > 0) {
        deps.activity.count(credentials.id, "outgoing.users.skipped", selection.skipped.length);
      }
      await recordSkips(deps, credentials, selection.skipped);
      if (selection.send.length === 0) return { handled: true };
      const run = openOutgoingRun(deps, credentials, settings, options);
      await syncUsers(run, selection);
      return { handled: true };
    }
    case "users_segment:update":
    case "segment:update": {
      const api = intercomForSync(deps, settings, options);
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
    default:
      logger.info("unsupported notification channel");
      return { handled: false };
  }
}
