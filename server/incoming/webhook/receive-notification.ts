import type { ActivityLog } from "../../activity";
import { webhookEntry } from "../../activity-entries";
import { createTtlCache } from "../../cache";
import type { HullAuthenticator } from "../../clients/hull/authenticate";
import type { WorkspaceLinkKeeper } from "../../connection/workspace-link-keeper";
import type { FirehoseWriter } from "../../clients/hull/firehose";
import type { HullRestClient } from "../../clients/hull/rest";
import type { FirehoseEntry, HullConnector, HullCredentials } from "../../clients/hull/types";
import type { DeadLetterStore } from "../../durable/dead-letters";
import type { Outbox } from "../../durable/outbox";
import { writeToHull, type LateWrites } from "../../durable/write-to-hull";
import { subjectsOf } from "../../clients/hull/firehose";
import { RedisUnavailableError, RetryableError, UnauthorizedError } from "../../errors";
import { oncePerKey, type Logger } from "../../log";
import type { WorkspaceRegistry } from "../../registry";
import { readAccountSettings } from "../../accounts/account-settings";
import {
  ownSettings,
  readSettings,
  type ConnectedWorkspace,
  type ConnectorSettings,
} from "../../settings";
import {
  planNotification,
  type IntercomNotification,
  type NotificationContext,
} from "../mapping/notification-to-hull";
import { topicAction } from "./topics";
import type { Deduplicator } from "./deduplicator";

/** What a notification's mapping reads from the connector's settings. Pure. */
function readWebhookSettings(connector: HullConnector) {
  return {
    ...readSettings(connector),
    incomingAccountAttributes: readAccountSettings(connector).incomingAccountAttributes,
  };
}

export interface NotificationDeps {
  registry: WorkspaceRegistry;
  hullAuth: HullAuthenticator;
  hullClient(credentials: HullCredentials): HullRestClient;
  firehose: FirehoseWriter;
  deduplicator: Deduplicator;
  /** Keeps what Hull cannot take right now, so the notification can still be acknowledged. */
  outbox: Outbox;
  /** Where a write that outlasts the budget is tracked until it settles (the replay waits). */
  lateWrites?: LateWrites;
  deadLetters: DeadLetterStore;
  /** Told when a notification's workspace has no connector: a link may have been lost (ADR 030). */
  workspaceLinks?: Pick<WorkspaceLinkKeeper, "recheck">;
  activity: ActivityLog;
  logger: Logger;
  now?: () => Date;
  /**
   * How long (ms) one delivery may wait for Hull in all, counted from when it starts confirming
   * the connector: what is left of it when the writes go out is the firehose's budget, after
   * which they go to the outbox instead (ADR 003, ADR 032). Default HULL_BUDGET_MS.
   */
  hullBudgetMs?: number;
  /**
   * How long (ms) confirming the connector with Hull may take before Hull's last answer stands in
   * (ADR 032); the first part of `hullBudgetMs`. Default WEBHOOK_AUTH_BUDGET_MS.
   */
  webhookAuthBudgetMs?: number;
}

/**
 * Intercom waits 5 s for an answer (reference/intercom-api.md §4.6); 3 s for Hull leaves room for
 * the rest of the request and the outbox's fsync on a loaded machine (ADR 003). It covers all a
 * delivery asks Hull: confirming the connector, segment names, then the firehose (ADR 032).
 */
export const HULL_BUDGET_MS = 3000;

/**
 * The part of HULL_BUDGET_MS (ms) confirming the connector with Hull may take before Hull's last
 * answer stands in (ADR 032): Hull's REST API answers it in well under a second when it is well,
 * and the firehose keeps about 1 s of the 3 when the last answer had to stand in.
 */
export const WEBHOOK_AUTH_BUDGET_MS = 2000;

export type NotificationOutcome =
  "ping" | "duplicate" | "unknown-workspace" | "ignored" | "written" | "queued";

export interface NotificationReceiver {
  /** Resolves once Hull accepted everything the notification produced; rejects if it did not. */
  receive(
    notification: IntercomNotification,
  ): Promise<{ outcome: NotificationOutcome; detail?: string }>;
}

/**
 * Receives Intercom's webhook notifications for every connector connected to the workspace. The
 * steps of one delivery, each its own function: `settingsFor` (the connector's settings, or
 * ignored when it is connected elsewhere now), `contextFor` (segment names for tag topics),
 * `planNotification` (pure mapping), `writeOrKeep` (Hull within the budget, else the outbox),
 * `countDelivered`, `rememberCustomAttributes` (in the background). `receive` rejects with
 * RetryableError when neither Hull nor the outbox took the data (Intercom retries), and with
 * whatever else failed (a bug) after releasing the notification for Intercom's retry.
 */
export function createNotificationReceiver(deps: NotificationDeps): NotificationReceiver {
  const segmentsOf = createTtlCache<{ id: string; name: string }[]>(60_000);
  const knownCustomAttributes = new Map<string, Set<string>>();
  const now = () => deps.now?.() ?? new Date();
  // One line per workspace every 10 minutes: a workspace that uninstalled the app keeps sending
  // (a 4xx would make Intercom throttle the whole app), and a link lost with Redis's data is
  // restored on Hull's next call (docs/adr/030); either way a person should be able to see it.
  const firstUnknownIn10Minutes = oncePerKey(10 * 60_000);
  const warnUnknownWorkspace = (appId: string) => {
    if (!firstUnknownIn10Minutes(appId)) return;
    deps.workspaceLinks?.recheck();
    deps.logger.warn(
      { workspace: appId },
      "intercom notification for a workspace no connector is linked to: answered 200 and dropped. Expected for a workspace not connected to any Hull connector; if one is connected to it, its link returns on Hull's next call for it (at most 5 minutes)",
    );
  };

  const authBudgetMs = deps.webhookAuthBudgetMs ?? WEBHOOK_AUTH_BUDGET_MS;
  const hullBudgetMs = deps.hullBudgetMs ?? HULL_BUDGET_MS;

  // One line per connector every 10 minutes while Hull is too slow to confirm it: a Hull that
  // hangs does so for every webhook, and one line per webhook would flood the log (ADR 032).
  const firstSlowHullIn10Minutes = oncePerKey(10 * 60_000);
  const warnLastAnswerUsed = (credentials: HullCredentials) => {
    if (!firstSlowHullIn10Minutes(credentials.id)) return;
    deps.logger.warn(
      { connector: credentials.id, budgetMs: authBudgetMs },
      "hull did not confirm the connector within the webhook's budget; its last answer was used and webhooks go on as during a Hull outage (said once per connector every 10 minutes)",
    );
  };

  // The settings read from a connector's private_settings as Hull answered them. hullAuth hands
  // out the same object while its answer is cached (a minute) and a new one once Hull is asked
  // again, and nothing edits one in place (a change is a new object), so a burst parses the
  // settings once rather than once per notification.
  const settingsRead = new WeakMap<object, ReturnType<typeof readWebhookSettings>>();

  /**
   * The connector's settings; undefined when it is connected to another workspace now. Hull's
   * answer is awaited for `authBudgetMs` (ms): then its last answer stands in, as while Hull is
   * down. With none, for the whole Hull budget (nothing else could answer), then RetryableError
   * (503, as for a Hull outage with nothing kept). ADR 032.
   */
  async function settingsFor(credentials: HullCredentials, notification: IntercomNotification) {
    const connector = await deps.hullAuth.authenticate(credentials, {
      budgetMs: authBudgetMs,
      budgetWithoutLastAnswerMs: hullBudgetMs,
      onLastAnswerUsed: () => warnLastAnswerUsed(credentials),
    });
    const stored = connector.private_settings;
    let settings = stored && settingsRead.get(stored);
    if (!settings) {
      settings = readWebhookSettings(connector);
      if (stored) settingsRead.set(stored, settings);
    }
    return settings.workspace?.app_id === notification.app_id
      ? { ...settings, workspace: settings.workspace }
      : undefined;
  }

  /** What the mapping needs beyond the notification: Hull's segment names for tag topics. */
  async function contextFor(
    credentials: HullCredentials,
    notification: IntercomNotification,
    settings: ConnectorSettings & {
      workspace: ConnectedWorkspace;
      incomingAccountAttributes: NotificationContext["incomingAccountAttributes"];
    },
  ): Promise<NotificationContext> {
    const isTag = topicAction(notification.topic)?.kind === "tag";
    const segments = isTag
      ? await segmentsOf.get(credentials.id, async () =>
          (await deps.hullClient(credentials).getSegments()).map(({ id, name }) => ({ id, name })),
        )
      : [];
    const segmentName = new Map(segments.map(({ id, name }) => [id, name]));
    const ownTagNames = new Map<string, string>();
    for (const [segmentId, tagId] of Object.entries(settings.tagMapping)) {
      const name = segmentName.get(segmentId);
      if (name) ownTagNames.set(tagId, name);
    }
    return {
      incomingAttributes: settings.incomingAttributes,
      region: settings.workspace.region,
      ownTagIds: new Set(Object.values(settings.tagMapping)),
      segmentNames: new Set(segments.map(({ name }) => name)),
      ownTagNames,
      receivedAt: now(),
      incomingAccountAttributes: settings.incomingAccountAttributes,
    };
  }

  /** Appends to the outbox begun by this process, per connector id: see `writeOrKeep`. */
  const appendsOf = new Map<string, number>();
  /** Appends begun and not yet issued, per connector id: they hold the connector. */
  const keeping = new Map<string, number>();
  /** Webhook writes to Hull under way, per connector id: see `writeOrKeep`. */
  const writing = new Map<string, Set<DirectWrite>>();

  /**
   * A write to Hull under way, and the entries about its subjects kept while it goes on. Its
   * subjects are worked out only if something is kept meanwhile: most writes never need them.
   */
  interface DirectWrite {
    entries: FirehoseEntry[];
    subjects?: Set<string>;
    keptMeanwhile: FirehoseEntry[];
  }

  const bump = (counts: Map<string, number>, id: string, by: number) => {
    const count = (counts.get(id) ?? 0) + by;
    if (count > 0) counts.set(id, count);
    else counts.delete(id);
  };

  /**
   * Keeps entries durably in the outbox (which replays them); throws RetryableError if it cannot.
   * Counted as kept at once, so a write of the connector that lands meanwhile is kept after them,
   * and appended once `before` (a late write's mark) resolved, so no replay comes between. Writes
   * to Hull of the connector under way that share a subject with the entries (`subjectsOf`) note
   * them, to keep them again after their own (`writeOrKeep`).
   */
  async function keep(
    credentials: HullCredentials,
    entries: FirehoseEntry[],
    before?: Promise<void>,
    self?: DirectWrite,
  ): Promise<"queued"> {
    const id = credentials.id;
    bump(appendsOf, id, 1);
    bump(keeping, id, 1);
    const subjects = new Set(entries.flatMap(subjectsOf));
    for (const write of writing.get(id) ?? []) {
      if (write === self) continue;
      write.subjects ??= new Set(write.entries.flatMap(subjectsOf));
      if ([...write.subjects].some((subject) => subjects.has(subject)))
        write.keptMeanwhile.push(...entries);
    }
    try {
      await before;
      // A write to Hull that went late or failed: its entries, then the newer ones about its
      // people kept while it went on (up to now: the append is issued at once).
      const kept = self ? [...entries, ...self.keptMeanwhile] : entries;
      await deps.outbox.append(credentials, kept);
    } catch (error) {
      // Redis not answering: its own 503, logged once per outage by the keys connection.
      if (error instanceof RedisUnavailableError) throw error;
      deps.logger.error(
        { connector: credentials.id, err: error },
        "outbox append failed; answering Intercom 503 so that it retries",
      );
      throw new RetryableError(
        "Hull is not taking data right now and the connector could not keep it; retry later",
      );
    } finally {
      bump(keeping, id, -1);
    }
    deps.activity.count(credentials.id, "webhooks waiting for Hull");
    return "queued";
  }

  /**
   * Writes to Hull within `budgetMs` (ms: what the delivery's Hull budget has left); when Hull is
   * down or slow, keeps the entries durably in the outbox (which replays them) and answers
   * "queued". Entries Hull refuses are dead-lettered by writeToHull. Throws RetryableError when even the outbox cannot keep them (a full disk).
   * Order: the outbox replays what it keeps after newer data may have reached Hull, and a replayed
   * older value would overwrite the newer one. So while the outbox holds a connector's records
   * (or this process is keeping some), its new entries join them there. A write to Hull that ends
   * after a notification of its connector was kept meanwhile is kept too (it went late, failed,
   * or Hull took it while the replay could still write the kept one after it), together with a
   * copy of every entry about the same people kept while it went on: the replay then writes them
   * after it, so the newer data is the last word however the two landed (found in review).
   */
  async function writeOrKeep(
    credentials: HullCredentials,
    entries: FirehoseEntry[],
    budgetMs: number,
  ): Promise<"written" | "queued"> {
    const id = credentials.id;
    if (keeping.has(id) || (await deps.outbox.holds(id))) return keep(credentials, entries);
    const self: DirectWrite = {
      entries,
      keptMeanwhile: [],
    };
    const writes = writing.get(id) ?? new Set<DirectWrite>();
    writing.set(id, writes.add(self));
    const appendsBefore = appendsOf.get(id) ?? 0;
    try {
      const written = await writeToHull(deps, credentials, entries, "webhook", {
        budgetMs,
      }).catch((error: unknown) => {
        if (error instanceof RetryableError) return { kind: "failed" as const };
        throw error;
      });
      if (written.kind === "late") return await keep(credentials, entries, written.marked, self);
      if (written.kind === "failed") return await keep(credentials, entries, undefined, self);
      if ((appendsOf.get(id) ?? 0) !== appendsBefore) {
        // Written, but a notification was kept meanwhile: its replay must not be the last word.
        // Hull has these entries already; the copy only restores the order.
        await keep(credentials, entries, undefined, self);
      }
      return "written";
    } finally {
      writes.delete(self);
      if (writes.size === 0 && writing.get(id) === writes) writing.delete(id);
    }
  }

  function countDelivered(credentials: HullCredentials, entries: FirehoseEntry[]) {
    const events = entries.some((entry) => entry.type === "track");
    deps.activity.count(credentials.id, events ? "webhook events" : "webhook user updates");
  }

  /** Custom attribute names seen on contacts feed the settings pickers (the attribute catalogue). */
  async function rememberCustomAttributes(
    credentials: HullCredentials,
    stored: string[],
    names: string[],
  ) {
    const known = knownCustomAttributes.get(credentials.id) ?? new Set(stored);
    knownCustomAttributes.set(credentials.id, known);
    const fresh = names.filter((name) => !known.has(name));
    if (fresh.length === 0) return;
    for (const name of fresh) known.add(name);
    await deps
      .hullClient(credentials)
      .updateSettings({ private_settings: ownSettings.customAttributes(known, []) });
  }

  async function deliver(
    credentials: HullCredentials,
    notification: IntercomNotification,
  ): Promise<NotificationOutcome> {
    // One budget for all this delivery asks Hull (ADR 003, ADR 032): the firehose gets what
    // confirming the connector and reading segment names left of it.
    const started = now().getTime();
    const settings = await settingsFor(credentials, notification);
    if (!settings) return "ignored";
    const plan = planNotification(
      notification,
      await contextFor(credentials, notification, settings),
    );
    deps.activity.count(credentials.id, "webhooks received");
    if (plan.kind === "ignore") {
      deps.activity.record(
        credentials.id,
        webhookEntry(notification.topic, notification.data.item, "ignored"),
      );
      return "ignored";
    }
    const spent = now().getTime() - started;
    // A clock set back meanwhile gives no more than the whole budget.
    const left = Math.min(hullBudgetMs, Math.max(0, hullBudgetMs - spent));
    const outcome = await writeOrKeep(credentials, plan.entries, left);
    deps.activity.record(
      credentials.id,
      webhookEntry(notification.topic, notification.data.item, outcome),
    );
    countDelivered(credentials, plan.entries);
    // In the background: a settings write to a slow Hull must not hold Intercom's answer (ADR 003).
    void rememberCustomAttributes(
      credentials,
      settings.customAttributes,
      plan.customAttributes,
    ).catch((error: unknown) =>
      deps.logger.warn(
        { connector: credentials.id, err: error },
        "could not record new custom attribute names",
      ),
    );
    return outcome;
  }

  return {
    async receive(notification) {
      if (notification.topic === "ping") return { outcome: "ping" };
      const key = notification.id ? `${notification.app_id}:${notification.id}` : undefined;
      let claimed: Awaited<ReturnType<Deduplicator["claim"]>> | undefined;
      try {
        claimed = key ? await deps.deduplicator.claim(key) : undefined;
      } catch (error) {
        // A claim that failed for want of an answer may still be carried out (a stalled Redis
        // runs it when it wakes): undone behind it, on the same connection, so that the retry
        // this 503 asks Intercom for is not taken for a duplicate (found in review; ADR 029).
        if (key) await deps.deduplicator.release(key).catch(() => undefined);
        throw error;
      }
      if (claimed === "duplicate") return { outcome: "duplicate" };
      try {
        const outcome = await deliverToConnectors(notification);
        if (key) await deps.deduplicator.remember(key);
        return { outcome };
      } catch (error) {
        // The delivery's own error is the answer; a release Redis refuses too lapses in 30 s.
        if (key) await deps.deduplicator.release(key).catch(() => undefined);
        throw error;
      }
    },
  };

  async function deliverToConnectors(
    notification: IntercomNotification,
  ): Promise<NotificationOutcome> {
    const connectors = await deps.registry.connectorsFor(notification.app_id);
    if (connectors.length === 0) {
      warnUnknownWorkspace(notification.app_id);
      return "unknown-workspace";
    }
    const outcomes = await Promise.all(
      connectors.map((credentials) =>
        deliver(credentials, notification).catch((error: unknown) => {
          // A connector Hull no longer knows must not make Intercom retry (and throttle) the app.
          if (error instanceof UnauthorizedError) {
            deps.logger.warn(
              { connector: credentials.id, workspace: notification.app_id },
              "hull refused a registered connector; skipped",
            );
            return "ignored" as const;
          }
          deps.activity.error(
            credentials.id,
            `Intercom ${notification.topic} could not be written to Hull: ${(error as Error).message}`,
            "Nothing to do now: Intercom sends it again. If this repeats, check the connector's status in Hull.",
          );
          throw error;
        }),
      ),
    );
    return outcomes.includes("queued")
      ? "queued"
      : outcomes.includes("written")
        ? "written"
        : "ignored";
  }
}
