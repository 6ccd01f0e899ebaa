import { createIntercomApi, type IntercomApi } from "../clients/intercom/api";
import type { IntercomConnections } from "../clients/intercom/connections";
import { createIntercomHttp } from "../clients/intercom/http-client";
import type { OAuthApp } from "../clients/intercom/oauth";
import { restBaseUrl } from "../clients/intercom/regions";
import { intercomApiFor } from "../connection/intercom-api-for";
import { RetryableError } from "../errors";
import type { Logger } from "../log";
import type { ConnectorSettings } from "../settings";

export interface SyncApiOptions {
  /**
   * A notification must be answered while Hull waits: any wait longer than this (for the rate
   * budget, or after a 429) ends the run with a RetryableError carrying the wait, so Hull is
   * told `retry` with the time until the budget returns. Undefined = wait as long as needed.
   */
  maxWaitMs?: number;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The Intercom API for an outgoing run. It shares the workspace's pacer (so every process and
 * flow shares one budget) but fails fast instead of sleeping through long waits.
 */
export function intercomForSync(
  deps: { intercom: IntercomConnections; oauthApp: Pick<OAuthApp, "apiUrl">; logger: Logger },
  settings: ConnectorSettings,
  { maxWaitMs }: SyncApiOptions = {},
): IntercomApi | undefined {
  const shared = intercomApiFor(deps.intercom, settings);
  const pacer = settings.workspace && deps.intercom.pacerOf(settings.workspace.app_id);
  if (!shared || maxWaitMs === undefined || !pacer || !settings.accessToken) return shared;
  // IntercomConnections keeps its base URL to itself: the OAuth app's API URL is the same
  // override when one is configured (sandbox), else the workspace's regional host applies.
  const apiUrl = deps.oauthApp.apiUrl === restBaseUrl("US") ? undefined : deps.oauthApp.apiUrl;
  return createIntercomApi(
    createIntercomHttp({
      baseUrl: restBaseUrl(settings.workspace!.region, apiUrl),
      token: settings.accessToken,
      pacer,
      maxRetries: 3,
      backoffMs: 200,
      sleep: async (ms) => {
        if (ms > maxWaitMs) {
          throw new RetryableError(`Intercom's rate budget returns in ${ms} ms`, ms);
        }
        await pause(ms);
      },
      onRetry: (retry) => deps.logger.warn(retry, "intercom request retried"),
    }),
  );
}
