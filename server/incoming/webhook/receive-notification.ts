import type { ActivityLog } from "../../activity";
import { webhookEntry } from "../../activity-entries";
import { createTtlCache } from "../../cache";
import type { HullAuthenticator } from "../../clients/hull/authenticate";
import type { FirehoseWriter } from "../../clients/hull/firehose";
import type { HullRestClient } from "../../clients/hull/rest";
import type { HullCredentials } from "../../clients/hull/types";
import type { DeadLetterStore } from "../../durable/dead-letters";
import type { Outbox } from "../../durable/outbox";
import { writeToHull } from "../../durable/write-to-hull";
import { RetryableError, UnauthorizedError } from "../../errors";
import type { Logger } from "../../log";
import type { WorkspaceRegistry } from "../../registry";
import { readSettings } from "../../settings";
import { planNotification, type Notification } from "../mapping/notification-to-hull";
import { topicAction } from "./topics";
import type { Deduplicator } from "./deduplicator";

export interface NotificationDeps {
  registry: WorkspaceRegistry;
  hullAuth: HullAuthenticator;
  hullClient(credentials: HullCredentials): HullRestClient;
  firehose: FirehoseWriter;
  deduplicator: Deduplicator;
  /** Keeps what Hull cannot take right now, so the notification can still be acknowledged. */
  outbox: Outbox;
  deadLetters: DeadLetterStore;
  activity: ActivityLog;
  logger: Logger;
  now?: () => Date;
  /** How long (ms) the firehose may take before the writes go to the outbox instead (ADR 003). */
  hullBudgetMs?: number;
}

/**
 * Intercom waits 5 s for an answer (reference/intercom-api.md §4.6); 3 s for Hull leaves room for
 * the rest of the request and the outbox's fsync on a loaded machine (ADR 003).
 */
export const HULL_BUDGET_MS = 3000;

export type NotificationOutcome =
  "ping" | "duplicate" | "unknown-workspace" | "ignored" | "written" | "queued";

export interface NotificationReceiver {
  /** Resolves once Hull accepted everything the notification produced; rejects if it did not. */
  receive(notification: Notification): Promise<{ outcome: NotificationOutcome; detail?: string }>;
}

export function createNotificationReceiver(deps: NotificationDeps): NotificationReceiver {
  const segmentsOf = createTtlCache<{ id: string; name: string }[]>(60_000);
  const knownCustomAttributes = new Map<string, Set<string>>();

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
      .updateSettings({ private_settings: { custom_attributes: [...known].sort() } });
  }

  /** Appends to the outbox; when even that fails (a full disk), Intercom must retry: 503. */
  async function keep(credentials: HullCredentials, entries: Parameters<Outbox["append"]>[1]) {
    try {
      await deps.outbox.append(credentials, entries);
    } catch (error) {
      deps.logger.error(
        { connector: credentials.id, err: error },
        "outbox append failed; answering Intercom 503 so that it retries",
      );
      throw new RetryableError(
        "Hull is not taking data right now and the connector could not keep it; retry later",
      );
    }
    deps.activity.count(credentials.id, "webhooks waiting for Hull");
  }

  async function deliver(
    credentials: HullCredentials,
    notification: Notification,
  ): Promise<NotificationOutcome> {
    const connector = await deps.hullAuth.authenticate(credentials);
    const settings = readSettings(connector);
    if (settings.workspace?.app_id !== notification.app_id) return "ignored";
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
    const plan = planNotification(notification, {
      incomingAttributes: settings.incomingAttributes,
      region: settings.workspace.region,
      ownTagIds: new Set(Object.values(settings.tagMapping)),
      segmentNames: new Set(segments.map(({ name }) => name)),
      ownTagNames,
      receivedAt: deps.now?.() ?? new Date(),
    });
    deps.activity.count(credentials.id, "webhooks received");
    if (plan.kind === "ignore") {
      deps.activity.record(
        credentials.id,
        webhookEntry(notification.topic, notification.data.item, "ignored"),
      );
      return "ignored";
    }
    // Refused entries are dead-lettered inside; the rest is in Hull, or late, or Hull is down.
    const written = await writeToHull(deps, credentials, plan.entries, "webhook", {
      budgetMs: deps.hullBudgetMs ?? HULL_BUDGET_MS,
    }).catch((error: unknown) => {
      if (error instanceof RetryableError) return { kind: "late" as const };
      throw error;
    });
    let outcome: NotificationOutcome = "written";
    if (written.kind === "late") {
      // Hull is down or slow: keep it durably and acknowledge; the outbox replays it.
      await keep(credentials, plan.entries);
      outcome = "queued";
    }
    deps.activity.record(
      credentials.id,
      webhookEntry(notification.topic, notification.data.item, outcome),
    );
    deps.activity.count(
      credentials.id,
      plan.entries.some((entry) => entry.type === "track")
        ? "webhook events"
        : "webhook user updates",
    );
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
      if (key && (await deps.deduplicator.claim(key)) === "duplicate")
        return { outcome: "duplicate" };
      try {
        const outcome = await deliverToConnectors(notification);
        if (key) await deps.deduplicator.remember(key);
        return { outcome };
      } catch (error) {
        if (key) await deps.deduplicator.release(key);
        throw error;
      }
    },
  };

  async function deliverToConnectors(notification: Notification): Promise<NotificationOutcome> {
    const connectors = await deps.registry.connectorsFor(notification.app_id);
    if (connectors.length === 0) return "unknown-workspace";
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
