import type { ActivityLog } from "../activity";
import type { FirehoseWriter } from "../clients/hull/firehose";
import type { HullRestClient } from "../clients/hull/rest";
import type { HullCredentials } from "../clients/hull/types";
import type { IntercomConnections } from "../clients/intercom/connections";
import type { OAuthApp } from "../clients/intercom/oauth";
import { ConfigurationError } from "../errors";
import type { Logger } from "../log";
import type { ConnectorSettings } from "../settings";
import { customAttributesOf, type CustomAttributeCache } from "./custom-attributes";
import { intercomForSync, type SyncApiOptions } from "./intercom-for-sync";
import type { OutgoingContext } from "./outgoing-context";
import { segmentTagsOf } from "./segment-tags";

/** What the outgoing flow needs from the application (a subset of AppDeps). */
export interface OutgoingDeps {
  intercom: IntercomConnections;
  oauthApp: Pick<OAuthApp, "apiUrl">;
  logger: Logger;
  firehose: FirehoseWriter;
  activity: ActivityLog;
  hullClient(credentials: HullCredentials): HullRestClient;
}

/** Everything one run needs; a connector that is not connected to Intercom cannot send. */
export function openOutgoingRun(
  deps: OutgoingDeps,
  credentials: HullCredentials,
  settings: ConnectorSettings,
  options: SyncApiOptions & { attributeCache: CustomAttributeCache },
): OutgoingContext {
  const api = intercomForSync(deps, settings, options);
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
      cache: options.attributeCache,
      workspace: settings.workspace.app_id,
      createMissing: settings.createMissingAttributes,
    }),
    tags: segmentTagsOf(api, settings.tagMapping),
  };
}
