import type { IntercomApi } from "../clients/intercom/api";
import type { IntercomConnections, RetryPolicy } from "../clients/intercom/connections";
import { RetryableError } from "../errors";
import { isConnected, type ConnectorSettings } from "../settings";

export interface IntercomApiOptions {
  /**
   * For a caller that must answer while someone waits (Hull's smart-notifier): any wait longer
   * than this, in ms (for the rate budget, or after a 429), throws a RetryableError carrying the
   * wait instead of sleeping, so Hull is told when to come back. Undefined = wait as needed.
   */
  maxWaitMs?: number;
  /** Retries for a caller that may wait (no `maxWaitMs`), e.g. the drain of waiting users. */
  retries?: RetryPolicy;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * THE way to get an Intercom client for a connector: the API of the workspace its settings name,
 * sharing that workspace's pacer (every flow and process of a workspace shares one rate budget),
 * or undefined when the connector is not connected to Intercom. Throws nothing itself; with
 * `maxWaitMs`, its calls throw RetryableError rather than wait longer.
 */
export function intercomApiFor(
  intercom: IntercomConnections,
  settings: Pick<ConnectorSettings, "accessToken" | "workspace">,
  { maxWaitMs, retries }: IntercomApiOptions = {},
): IntercomApi | undefined {
  if (!isConnected(settings)) return undefined;
  const { app_id: appId, region } = settings.workspace;
  const access = { appId, region, token: settings.accessToken };
  if (maxWaitMs === undefined) return intercom.forWorkspace(access, retries);
  return intercom.forWorkspace(access, {
    maxRetries: 3,
    backoffMs: 200,
    sleep: async (ms) => {
      if (ms > maxWaitMs)
        throw new RetryableError(`Intercom's rate budget returns in ${ms} ms`, ms);
      await pause(ms);
    },
  });
}
