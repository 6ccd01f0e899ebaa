import { withoutTraitsPrefixes } from "../../../common/identity";
import type { HullConnector, HullCredentials } from "../../clients/hull/types";
import { IntercomApiError } from "../../clients/intercom/errors";
import { ConfigurationError } from "../../errors";
import { intercomApiFor, type IntercomApiOptions } from "../../connection/intercom-api-for";
import {
  customAttributesOf,
  type CustomAttributeCache,
} from "../../outgoing/intercom/custom-attributes";
import type { OutgoingDeps } from "../../outgoing/run/open-outgoing-run";
import type { UserOutcome } from "../../outgoing/run/sync-user";
import { readSettings } from "../../settings";
import { readAccountSettings } from "../account-settings";
import { companyTagName, type SegmentRef } from "../mapping/account-to-company";
import { readAccountUpdateMessage, userAccountOf } from "./account-update";
import { attachContactsToCompanies, type SentUser } from "./company-contacts";
import { renameAccountTag, syncAccounts, type AccountRun } from "./sync-accounts";

/** The smart-notifier channels of accounts (hull-platform.md §2.5). */
export const ACCOUNT_CHANNELS: ReadonlySet<string> = new Set([
  "account:update",
  "accounts_segment:update",
  "accounts_segment:delete",
]);

export interface AccountNotification {
  credentials: HullCredentials;
  connector: HullConnector;
  channel: string;
  /** All account segments of the organization, with names (`accounts_segments`). */
  accountSegments: SegmentRef[];
  messages: unknown[];
  /**
   * `is_export: true`: a "send to" export arriving as a notification (hull-platform.md §2.6): sent
   * whatever the whitelist, as manual user sends and `account_report` extracts are.
   */
  isExport?: boolean;
}

type RunOptions = IntercomApiOptions & { attributeCache: CustomAttributeCache };

/**
 * Everything one account run needs, or undefined when nothing can be sent (no synchronized
 * account segment: the whitelist is empty = none; a `manual` send goes on regardless). Throws
 * ConfigurationError when accounts should be sent but Intercom is not connected.
 */
export function openAccountRun(
  deps: OutgoingDeps,
  credentials: HullCredentials,
  connector: HullConnector,
  options: RunOptions & { manual?: boolean },
): AccountRun | undefined {
  const accountSettings = readAccountSettings(connector);
  if (accountSettings.synchronizedAccountSegments.length === 0 && !options.manual) return undefined;
  const settings = readSettings(connector);
  const api = intercomApiFor(deps.intercom, settings, options);
  if (!api || !settings.workspace) {
    throw new ConfigurationError(
      "Intercom is not connected: connect it from the connector's dashboard to send accounts",
    );
  }
  // The contacts' attribute rule for model `company`, cached apart from the contacts' list.
  const companyApi = {
    ...api,
    listDataAttributes: api.listCompanyDataAttributes,
    createDataAttribute: api.createCompanyDataAttribute,
  };
  return {
    credentials,
    settings: accountSettings,
    api,
    firehose: deps.firehose,
    hull: deps.hullClient(credentials),
    logger: deps.logger.child({ connector: credentials.id, flow: "accounts" }),
    activity: deps.activity,
    customAttributes: customAttributesOf(companyApi, {
      cache: options.attributeCache,
      workspace: `${settings.workspace.app_id}:company`,
      createMissing: settings.createMissingAttributes,
    }),
  };
}

/**
 * `account:update` (accounts in the synchronized account segments become companies, with their
 * segments as company tags), `accounts_segment:update` (a renamed segment renames its tag) and
 * `accounts_segment:delete` (the tag is kept, said in the log). Throws BadRequestError for a
 * malformed message (before anything is sent) and what must make Hull resend.
 */
export async function handleAccountNotification(
  deps: OutgoingDeps,
  notification: AccountNotification,
  options: RunOptions,
): Promise<void> {
  const { credentials, connector, channel } = notification;
  const logger = deps.logger.child({ connector: credentials.id, channel });
  if (channel === "account:update") {
    const names = new Map(notification.accountSegments.map(({ id, name }) => [id, name]));
    const updates = notification.messages.map((message) =>
      readAccountUpdateMessage(message, names),
    );
    const manual = notification.isExport === true;
    const run = openAccountRun(deps, credentials, connector, { ...options, manual });
    if (!run) return;
    await syncAccounts(run, updates, { manual });
    return;
  }
  const segments = notification.messages.flatMap((message) => {
    const { id, name } = (message ?? {}) as { id?: unknown; name?: unknown };
    return typeof id === "string" && typeof name === "string" ? [{ id, name }] : [];
  });
  const mapping = readAccountSettings(connector).accountTagMapping;
  for (const segment of segments) {
    const tagId = Object.hasOwn(mapping, segment.id) ? mapping[segment.id] : undefined;
    if (channel === "accounts_segment:delete") {
      logger.info(
        { segment: segment.id, name: segment.name, tag: tagId ?? null },
        "account segment deleted in Hull; its Intercom company tag is kept",
      );
      continue;
    }
    const name = companyTagName(segment);
    if (!tagId || !name) continue;
    const api = intercomApiFor(deps.intercom, readSettings(connector), options);
    if (!api) continue;
    try {
      await renameAccountTag(api, tagId, name);
      logger.info({ segment: segment.id, tag: tagId, name }, "account segment tag renamed");
    } catch (error) {
      if (!(error instanceof IntercomApiError)) throw error;
      logger.warn(
        { segment: segment.id, tag: tagId, reason: error.message },
        "account segment tag not renamed",
      );
    }
  }
}

/**
 * After a `user:update` run: attaches the contacts just sent to their accounts' companies (and
 * detaches those who left their account). Does nothing without synchronized account segments.
 * Throws ConfigurationError when accounts are to be sent and Intercom is not connected, and what
 * must make Hull resend (RetryableError); Intercom's refusals are counted per user.
 */
export async function attachSentUsers(
  deps: OutgoingDeps,
  notification: { credentials: HullCredentials; connector: HullConnector; messages: unknown[] },
  outcomes: readonly UserOutcome[],
  options: RunOptions,
): Promise<void> {
  const run = openAccountRun(deps, notification.credentials, notification.connector, options);
  if (!run) return;
  const byUser = new Map<string, unknown>();
  for (const message of notification.messages) {
    const id = (message as { user?: { id?: unknown } } | null)?.user?.id;
    if (typeof id === "string") byUser.set(id, message);
  }
  const sent: SentUser[] = outcomes.flatMap((outcome) => {
    if (!outcome.contactId || outcome.skipped || outcome.problems.length > 0) return [];
    const message = byUser.get(outcome.userId) as { user?: Record<string, unknown> } | undefined;
    if (!message?.user) return [];
    const user = withoutTraitsPrefixes(message.user);
    const account = userAccountOf(message);
    return [
      {
        userId: outcome.userId,
        contactId: outcome.contactId,
        user,
        account: account?.account,
        accountSegmentIds: account?.segmentIds ?? [],
      },
    ];
  });
  if (sent.length > 0) await attachContactsToCompanies(run, sent);
}
