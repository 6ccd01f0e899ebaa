import type { HullConnector, HullCredentials } from "../clients/hull/types";
import { TokenRevokedError } from "../clients/intercom/errors";
import type { ConnectionDeps } from "../connection/deps";
import { intercomApiFor } from "../connection/intercom-api-for";
import { isConnected, readSettings } from "../settings";
import { computeStatus, type StatusFacts } from "./compute-status";

/** Looks at the connector and Intercom, reports the result to Hull, and returns it. */
export async function checkStatus(
  deps: ConnectionDeps,
  credentials: HullCredentials,
  connector: HullConnector,
) {
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
export async function refreshStatus(
  deps: ConnectionDeps,
  credentials: HullCredentials,
): Promise<void> {
  try {
    await checkStatus(deps, credentials, await deps.hullClient(credentials).getConnector());
  } catch (error) {
    deps.logger.warn({ connector: credentials.id, err: error }, "status refresh failed");
  }
}
