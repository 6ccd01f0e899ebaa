import type { ActivityLog } from "../../activity";
import type { FirehoseWriter } from "../../clients/hull/firehose";
import type { HullRestClient } from "../../clients/hull/rest";
import type { HullCredentials } from "../../clients/hull/types";
import type { IntercomApi } from "../../clients/intercom/api";
import type { IntercomConnections } from "../../clients/intercom/connections";
import type { OAuthApp } from "../../clients/intercom/oauth";
import { intercomApiFor, type IntercomApiOptions } from "../../connection/intercom-api-for";
import { ConfigurationError } from "../../errors";
import type { Logger } from "../../log";
import type { ConnectorSettings } from "../../settings";
import {
  customAttributesOf,
  type CustomAttributeCache,
  type CustomAttributes,
} from "../intercom/custom-attributes";
import { segmentTagsOf, type SegmentTags } from "../intercom/segment-tags";

/** What the outgoing flow needs from the application (a subset of AppDeps). */
export interface OutgoingDeps {
  intercom: IntercomConnections;
  oauthApp: Pick<OAuthApp, "apiUrl">;
  logger: Logger;
  firehose: FirehoseWriter;
  activity: ActivityLog;
  hullClient(credentials: HullCredentials): HullRestClient;
}

/**
 * One outgoing run: one connector, its settings, its Intercom client (already bound to the run's
 * deadline, `maxWaitMs`), the workspace's data attribute catalogue and its segment tags. Built
 * once by {@link openOutgoingRun}; everything below takes it whole instead of its parts.
 */
export interface OutgoingRun {
  credentials: HullCredentials;
  hull: HullRestClient;
  settings: ConnectorSettings;
  api: IntercomApi;
  firehose: FirehoseWriter;
  logger: Logger;
  activity: ActivityLog;
  customAttributes: CustomAttributes;
  tags: SegmentTags;
}

export interface RunOptions extends IntercomApiOptions {
  /** The process's catalogue cache, shared by its runs (one read per workspace per 5 min). */
  attributeCache: CustomAttributeCache;
}

/**
 * Everything one run needs. Throws ConfigurationError when the connector is not connected to
 * Intercom: it cannot send (Hull is told to retry).
 */
export function openOutgoingRun(
  deps: OutgoingDeps,
  credentials: HullCredentials,
  settings: ConnectorSettings,
  { attributeCache, ...apiOptions }: RunOptions,
): OutgoingRun {
  const api = intercomApiFor(deps.intercom, settings, apiOptions);
  if (!api || !settings.workspace) {
    throw new ConfigurationError(
      "Intercom is not connected: connect it from the connector's dashboard to send users",
    );
  }
  return {
    credentials,
    settings,
    api,
    hull: deps.hullClient(credentials),
    firehose: deps.firehose,
    logger: deps.logger.child({ connector: credentials.id }),
    activity: deps.activity,
    customAttributes: customAttributesOf(api, {
      cache: attributeCache,
      workspace: settings.workspace.app_id,
      createMissing: settings.createMissingAttributes,
      maxWaitMs: apiOptions.maxWaitMs,
    }),
    tags: segmentTagsOf(api, settings.tagMapping),
  };
}
