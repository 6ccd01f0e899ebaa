import { intercomAnonymousId } from "../../../common/identity";
import type { ActivityLog } from "../../activity";
import type { FirehoseWriter } from "../../clients/hull/firehose";
import type { HullRestClient } from "../../clients/hull/rest";
import type { HullCredentials } from "../../clients/hull/types";
import type { IntercomApi } from "../../clients/intercom/api";
import type { IntercomCompany } from "../../clients/intercom/companies";
import { IntercomApiError } from "../../clients/intercom/errors";
import { RetryableError } from "../../errors";
import type { Logger } from "../../log";
import type { CustomAttributes } from "../../outgoing/intercom/custom-attributes";
import { ownAccountSettings, type AccountSettings } from "../account-settings";
import {
  companyTagChanges,
  companyTagName,
  companyValuesFromAccount,
  companyValuesFromCompany,
  intercomCompanyIdOf,
  mapAccountToCompany,
  type OutgoingAccount,
  type SegmentRef,
} from "../mapping/account-to-company";
import type { AccountUpdate } from "./account-update";
import { createKeyedQueue } from "../../keyed-queue";

/** What one outgoing account run works with: one connector, its Intercom workspace. */
export interface AccountRun {
  credentials: HullCredentials;
  settings: AccountSettings;
  api: IntercomApi;
  firehose: FirehoseWriter;
  hull: HullRestClient;
  logger: Logger;
  activity: ActivityLog;
  /** Company data attributes (the contacts' cache and creation rule, model `company`). */
  customAttributes: CustomAttributes;
}

export interface AccountOutcome {
  accountId: string;
  companyId?: string;
  skipped?: string;
  problems: string[];
  warnings: string[];
  upserted: boolean;
  tagged: number;
  untagged: number;
  /** Account segment id → Intercom tag id for tags applied that `account_tag_mapping` lacks. */
  learntTags: Record<string, string>;
}

/** What upserting a company did: its Intercom id and tags when Intercom answered. */
interface UpsertedCompany {
  id?: string;
  tags?: string[];
  /** Whether a request was made (false: nothing differed from Intercom's). */
  upserted: boolean;
  /** Attributes left out or changed by the mapping, for the account's outcome. */
  warnings: string[];
}

/** Whether an account is in one of the synchronized account segments (empty list = none). */
export function isSynchronized(segmentIds: readonly string[], settings: AccountSettings): boolean {
  const synced = new Set(settings.synchronizedAccountSegments);
  return segmentIds.some((id) => synced.has(id));
}

function tagNamesOf(value: unknown): string[] | undefined {
  return Array.isArray(value)
    ? value.filter((name): name is string => typeof name === "string")
    : undefined;
}

function companyTags(company: IntercomCompany): string[] | undefined {
  const tags = company.tags?.tags;
  return Array.isArray(tags) ? tags.flatMap((tag) => (tag.name ? [tag.name] : [])) : undefined;
}

/**
 * Upserts an account's company when something must be written (`POST /companies` by
 * `company_id`, intercom-api.md §1.5): a company Hull has not seen in Intercom, or mapped values
 * that differ from Intercom's. Returns the company's Intercom id and its tags when Intercom
 * answered. Missing custom company attributes are created typed first (or left out, with a
 * warning, when creation is off or refused).
 */
async function upsertCompany(
  run: AccountRun,
  account: OutgoingAccount,
): Promise<UpsertedCompany | undefined> {
  const known = intercomCompanyIdOf(account);
  const types = run.settings.outgoingAccountAttributes.length
    ? await run.customAttributes.types()
    : new Map();
  let mapping = mapAccountToCompany({
    account,
    rows: run.settings.outgoingAccountAttributes,
    customTypes: types,
    intercom: known
      ? companyValuesFromAccount(account, run.settings.incomingAccountAttributes)
      : "new",
  });
  if (!mapping) return undefined;
  if (known && mapping.unknown.length > 0) {
    // Rows that write only where Intercom is empty need Intercom's value: read the company once.
    const current = await run.api.getCompany(known);
    mapping = mapAccountToCompany({
      account,
      rows: run.settings.outgoingAccountAttributes,
      customTypes: types,
      intercom: companyValuesFromCompany(current),
    });
    if (!mapping) return undefined;
  }
  const warnings = [...mapping.warnings];
  const { company } = mapping;
  if (mapping.missing.length > 0 && company.custom_attributes) {
    const { usable, refused } = await run.customAttributes.ensure(mapping.missing);
    for (const { name, reason } of refused) {
      warnings.push(`company attribute ${name} not written: ${reason}`);
      if (!usable.has(name)) delete company.custom_attributes[name];
    }
    if (Object.keys(company.custom_attributes).length === 0) delete company.custom_attributes;
  }
  const changes = Object.keys(company).filter((key) => key !== "company_id");
  if (known && changes.length === 0) return { id: known, upserted: false, warnings };
  const saved = await run.api.upsertCompany(company);
  return { id: saved.id, tags: companyTags(saved), upserted: true, warnings };
}

/** How one account is sent. */
export interface SyncAccountOptions {
  /**
   * Hull's manual "Send to Intercom" (an `account_report` extract): the account is sent whatever
   * the account segment whitelist says, as manual user sends are (hull-intercom-classic.md §2.15).
   */
  manual?: boolean;
  /** Set on the second attempt, after Intercom no longer knew the company Hull held. */
  retried?: boolean;
}

/**
 * Sends one account (DESIGN.md §5 as for users, docs/adr/020): a synchronized account (or any
 * account of a manual send) becomes (or updates) its Intercom company and carries its account
 * segments as company tags; an account that left a segment loses that tag. Hull learns the
 * company's `intercom/id` (and the account the `intercom:<id>` claim the incoming flow links
 * contacts by) and `intercom/tags`. A refusal by Intercom (4xx) is the account's problem,
 * reported; rate limits and outages throw (the errors of `run.api` and `run.firehose`:
 * RetryableError, ConfigurationError).
 */
export async function syncAccount(
  run: AccountRun,
  update: AccountUpdate,
  { manual = false, retried = false }: SyncAccountOptions = {},
): Promise<AccountOutcome> {
  const { account } = update;
  const outcome: AccountOutcome = {
    accountId: account.id,
    problems: [],
    warnings: [],
    upserted: false,
    tagged: 0,
    untagged: 0,
    learntTags: {},
  };
  const synced =
    manual ||
    isSynchronized(
      update.segments.map(({ id }) => id),
      run.settings,
    );
  const leftSynced = isSynchronized(
    update.left.map(({ id }) => id),
    run.settings,
  );
  if (!synced && !leftSynced) {
    outcome.skipped = "not in a synchronized account segment";
    return outcome;
  }
  try {
    const saved = synced
      ? await upsertCompany(run, account)
      : { id: intercomCompanyIdOf(account), upserted: false, warnings: [] };
    if (saved) {
      outcome.upserted = saved.upserted;
      outcome.warnings.push(...saved.warnings);
    }
    if (!saved?.id) {
      outcome.skipped = synced
        ? "the account has no external_id nor domain to be an Intercom company by"
        : "the account was never sent to Intercom";
      return outcome;
    }
    outcome.companyId = saved.id;
    const held = tagNamesOf(account["intercom/tags"]);
    const { apply, remove } = companyTagChanges({
      current: synced ? update.segments : [],
      left: update.left,
      companyTags: saved.tags ?? held,
    });
    const companyId = saved.id;
    for (const segment of apply) {
      await withNamedTag(run, segment, outcome.warnings, async (mapped) => {
        const tag = await run.api.tagCompanies(companyTagName(segment), [companyId]);
        if (!mapped) outcome.learntTags[segment.id] = tag.id;
      });
      outcome.tagged += 1;
    }
    for (const segment of remove) {
      await withNamedTag(run, segment, outcome.warnings, () => untag(run, segment, companyId));
      outcome.untagged += 1;
    }
    const names = tagsAfter(saved.tags ?? held, apply, remove);
    const traits: Record<string, unknown> = {};
    if (intercomCompanyIdOf(account) !== saved.id) traits["intercom/id"] = saved.id;
    if (names) traits["intercom/tags"] = names;
    if (Object.keys(traits).length > 0) {
      await run.firehose.write(run.credentials, [
        {
          type: "traits",
          claims: {},
          account: { id: account.id, anonymous_id: intercomAnonymousId(saved.id) },
          body: traits,
        },
      ]);
    }
  } catch (error) {
    if (!(error instanceof IntercomApiError)) throw error;
    if (synced && !retried && error.upstreamStatus === 404 && intercomCompanyIdOf(account)) {
      // The company Hull knew is gone from Intercom (deleted there): what Hull holds of it is
      // stale, so the account is sent once more as new, and Hull learns the new company's id.
      run.logger.info({ account: account.id, reason: error.message }, "company made again");
      return syncAccount(
        run,
        { ...update, account: withoutIntercom(account) },
        { manual, retried: true },
      );
    }
    outcome.problems.push(error.message);
  }
  return outcome;
}

/**
 * The name this process last gave each mapped company tag (tag id → name), and the tag operations
 * under way, one at a time per tag. Intercom tags companies by name only (`POST /tags {name,
 * companies}`, intercom-api.md §1.4), so "give the mapped tag the segment's current name, then tag
 * by that name" must not interleave with another run doing the same with another name (a message
 * sent before a rename, handled after it): the company would get a second tag.
 */
const lastNames = new Map<string, string>();
const oneAtATime = createKeyedQueue();

/**
 * Renames a mapped company tag (the `accounts_segment:update` handler and the runs below share
 * it, so this process knows each tag's name). Throws what `api.renameTag` throws.
 */
export function renameAccountTag(api: AccountRun["api"], tagId: string, name: string) {
  return oneAtATime(tagId, async () => {
    await api.renameTag(tagId, name);
    lastNames.set(tagId, name);
  });
}

/**
 * Gives the tag `account_tag_mapping` holds for `segment` the segment's current name (unless this
 * process last named it so), then runs `work` (a tag or an untag by that name), one at a time per
 * tag. Hull sends a renamed segment's `account:update` beside its `accounts_segment:update`:
 * tagging by the new name first would make a second tag. `mapped` tells `work` whether a mapped
 * tag is in use (false: none is mapped, or Intercom no longer has it, so the tag found by name is
 * to be learnt); another refusal of the rename is a warning, and `work` runs by name as before.
 * Throws what `run.api` and `work` throw for rate limits and outages.
 */
async function withNamedTag<T>(
  run: AccountRun,
  segment: SegmentRef,
  warnings: string[],
  work: (mapped: boolean) => Promise<T>,
): Promise<T> {
  const mapping = run.settings.accountTagMapping;
  const tagId = Object.hasOwn(mapping, segment.id) ? mapping[segment.id] : undefined;
  if (!tagId) return work(false);
  const name = companyTagName(segment);
  return oneAtATime(tagId, async () => {
    if (lastNames.get(tagId) === name) return work(true);
    try {
      await run.api.renameTag(tagId, name);
      lastNames.set(tagId, name);
    } catch (error) {
      if (!(error instanceof IntercomApiError)) throw error;
      if (error.upstreamStatus === 404) {
        lastNames.delete(tagId);
        return work(false);
      }
      warnings.push(`tag of segment ${segment.name} not renamed: ${error.intercomMessage}`);
    }
    return work(true);
  });
}

/** The account without what Hull last knew of its Intercom company (`intercom/…`). */
function withoutIntercom(account: AccountUpdate["account"]): AccountUpdate["account"] {
  return Object.fromEntries(
    Object.entries(account).filter(([key]) => !key.startsWith("intercom/")),
  ) as AccountUpdate["account"];
}

/** Untags a company; a tag Intercom no longer has is already off. */
async function untag(run: AccountRun, segment: SegmentRef, companyId: string): Promise<void> {
  try {
    await run.api.untagCompanies(companyTagName(segment), [companyId]);
  } catch (error) {
    if (error instanceof IntercomApiError && error.upstreamStatus === 404) return;
    throw error;
  }
}

/** The company's tag names after the changes, or undefined when nothing changed. */
function tagsAfter(
  held: readonly string[] | undefined,
  applied: readonly SegmentRef[],
  removed: readonly SegmentRef[],
): string[] | undefined {
  if (applied.length === 0 && removed.length === 0 && held !== undefined) return undefined;
  const gone = new Set(removed.map((segment) => companyTagName(segment).toLowerCase()));
  const names = (held ?? []).filter((name) => !gone.has(name.toLowerCase()));
  for (const segment of applied) {
    const name = companyTagName(segment);
    if (!names.some((existing) => existing.toLowerCase() === name.toLowerCase())) names.push(name);
  }
  return names;
}

/** How a list of accounts is sent. */
export interface SyncAccountsOptions {
  /** A manual send: the whitelist does not apply (SyncAccountOptions.manual). */
  manual?: boolean;
  /**
   * Called when Intercom is unavailable or rate-limits an account (`attempt` counts from 1): it
   * waits and the account is sent again from the start (every write is idempotent), or it throws
   * to give up. Without it the error is thrown at once, for Hull to resend the notification.
   */
  waitBeforeRetry?: (error: RetryableError, attempt: number) => Promise<void>;
}

/**
 * Sends accounts one after the other (they share the workspace's rate budget with contacts),
 * reports each outcome (log and dashboard counters), and stores the tag ids learnt in
 * `private_settings.account_tag_mapping`. Throws what must make Hull resend (rate limit, outage)
 * unless `waitBeforeRetry` takes it.
 */
export async function syncAccounts(
  run: AccountRun,
  updates: readonly AccountUpdate[],
  { manual = false, waitBeforeRetry }: SyncAccountsOptions = {},
): Promise<AccountOutcome[]> {
  const outcomes: AccountOutcome[] = [];
  try {
    for (const update of updates) {
      for (let attempt = 1; ; attempt++) {
        try {
          outcomes.push(await syncAccount(run, update, { manual }));
          break;
        } catch (error) {
          if (!(error instanceof RetryableError) || !waitBeforeRetry) throw error;
          await waitBeforeRetry(error, attempt);
        }
      }
    }
  } finally {
    await saveLearntTags(run, outcomes);
    report(run, outcomes);
  }
  return outcomes;
}

/**
 * Stores the tag ids the `outcomes` learnt in `private_settings.account_tag_mapping` (merged with
 * Hull's fresh copy). Never throws: a mapping not saved is logged, and found by name next time.
 */
async function saveLearntTags(
  run: AccountRun,
  outcomes: readonly Pick<AccountOutcome, "learntTags">[],
): Promise<void> {
  const learnt = Object.assign({}, ...outcomes.map((outcome) => outcome.learntTags)) as Record<
    string,
    string
  >;
  if (Object.keys(learnt).length === 0) return;
  try {
    const current = await run.hull.getConnector();
    await run.hull.updateSettings({
      private_settings: ownAccountSettings.accountTagMapping(current, learnt),
    });
  } catch (error) {
    // Not fatal: POST /tags finds the same tags by name next time; only renames need the ids.
    run.logger.warn({ err: error }, "account tag mapping not saved");
  }
}

function report(run: AccountRun, outcomes: readonly AccountOutcome[]): void {
  const connector = run.credentials.id;
  for (const outcome of outcomes) {
    const details = {
      account: outcome.accountId,
      company: outcome.companyId,
      upserted: outcome.upserted,
      tagged: outcome.tagged,
      untagged: outcome.untagged,
      ...(outcome.warnings.length > 0 ? { warnings: outcome.warnings } : {}),
    };
    if (outcome.skipped) {
      run.logger.debug({ ...details, reason: outcome.skipped }, "outgoing.account.skip");
      run.activity.count(connector, "outgoing.accounts.skipped");
    } else if (outcome.problems.length > 0) {
      run.logger.warn({ ...details, problems: outcome.problems }, "outgoing.account.error");
      run.activity.count(connector, "outgoing.accounts.failed");
      run.activity.error(connector, `Account ${outcome.accountId}: ${outcome.problems.join("; ")}`);
    } else {
      run.logger.info(details, "outgoing.account.success");
      run.activity.count(connector, "outgoing.accounts.synced");
    }
    if (outcome.tagged > 0)
      run.activity.count(connector, "outgoing.company_tags.applied", outcome.tagged);
    if (outcome.untagged > 0)
      run.activity.count(connector, "outgoing.company_tags.removed", outcome.untagged);
  }
}
