import type { ActivityLog } from "../../activity";
import { createTtlCache } from "../../cache";
import type { HullAuthenticator } from "../../clients/hull/authenticate";
import type { FirehoseWriter } from "../../clients/hull/firehose";
import type { HullRestClient } from "../../clients/hull/rest";
import type { HullCredentials } from "../../clients/hull/types";
import type { Outbox } from "../../durable/outbox";
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
  activity: ActivityLog;
  logger: Logger;
  now?: () => Date;
}

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
    if (plan.kind === "ignore") return "ignored";
    let outcome: NotificationOutcome = "written";
    try {
      await deps.firehose.write(credentials, plan.entries);
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error;
      // Hull is down or slow: keep it durably and acknowledge; the outbox replays it.
      await deps.outbox.append(credentials, plan.entries);
      deps.activity.count(credentials.id, "webhooks waiting for Hull");
      outcome = "queued";
    }
    deps.activity.count(
      credentials.id,
      plan.entries.some((entry) => entry.type === "track")
        ? "webhook events"
        : "webhook user updates",
    );
    await rememberCustomAttributes(
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
