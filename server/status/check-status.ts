import type { HullConnector, HullCredentials } from "../clients/hull/types";
import { TokenRevokedError } from "../clients/intercom/errors";
import type { ConnectionDeps } from "../connection/deps";
import { intercomApiFor } from "../connection/intercom-api-for";
import { isConnected, readSettings } from "../settings";
import { computeStatus, type StatusFacts } from "./compute-status";

/** What the status check reads besides the connection's own deps. */
export interface StatusDeps extends ConnectionDeps {
  /**
   * Scale-out mode only (REDIS_URL): whether Redis answers the keys connection now — true or
   * false within the connection's command timeout (`REDIS_COMMAND_TIMEOUT_MS`), never rejects
   * (`RedisKeys.probe`, docs/adr/033). Absent in the embedded mode: no fact about a store.
   */
  redisReachable?: () => Promise<boolean>;
}

/**
 * Looks at the store (Redis, in the scale-out mode), the connector's settings and Intercom, PUTs
 * the result to Hull's `/api/v1/<id>/status` and returns it (`{status, messages}`, computeStatus).
 * The Redis check runs beside Intercom's and adds at most the command timeout (ms). Does not
 * reject: Intercom or Redis unreachable is a finding, a report Hull refuses is a warn line.
 */
export async function checkStatus(
  deps: StatusDeps,
  credentials: HullCredentials,
  connector: HullConnector,
) {
  // Started first: it runs while Intercom is asked, and a silent Redis costs its timeout once.
  const redis = deps.redisReachable?.().then(
    (reachable): StatusFacts["redis"] => (reachable ? "ok" : "unreachable"),
    (): StatusFacts["redis"] => "unreachable",
  );
  const settings = readSettings(connector);
  const hull = deps.hullClient(credentials);
  const facts: StatusFacts = {
    connected: isConnected(settings),
    synchronizedSegments: settings.synchronizedSegments.length,
    sendEvents: settings.sendEvents.length,
    missingTags: [],
  };
  const api = intercomApiFor(deps.intercom, settings);
  if (api) {
    try {
      await api.me();
      facts.intercom = "ok";
      const tagIds = new Set((await api.listTags()).map((tag) => tag.id));
      const segments = await hull.getSegments();
      for (const segmentId of settings.synchronizedSegments) {
        const tagId = Object.hasOwn(settings.tagMapping, segmentId)
          ? settings.tagMapping[segmentId]
          : undefined;
        if (tagId && !tagIds.has(tagId)) {
          const segment =
            segments.find((candidate) => candidate.id === segmentId)?.name ?? segmentId;
          facts.missingTags.push({ segment, tagId });
        }
      }
    } catch (error) {
      facts.intercom = error instanceof TokenRevokedError ? "token-revoked" : "unreachable";
      if (!(error instanceof TokenRevokedError))
        deps.logger.warn(
          { connector: credentials.id, err: error },
          "status check could not reach intercom",
        );
    }
  }
  if (redis) facts.redis = await redis;
  const status = computeStatus(facts);
  await hull
    .putStatus(status)
    .catch((error: unknown) =>
      deps.logger.warn(
        { connector: credentials.id, err: error },
        "could not report status to hull",
      ),
    );
  return status;
}

/** Re-checks after something changed (connected, settings saved) so the dashboard does not wait for Hull's schedule. */
export async function refreshStatus(deps: StatusDeps, credentials: HullCredentials): Promise<void> {
  try {
    await checkStatus(deps, credentials, await deps.hullClient(credentials).getConnector());
  } catch (error) {
    deps.logger.warn({ connector: credentials.id, err: error }, "status refresh failed");
  }
}
