import type { IntercomApi } from "../clients/intercom/api";
import type { IntercomConnections, RetryPolicy } from "../clients/intercom/connections";
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
  /** Retries of a run that may wait (no `maxWaitMs`): the drain of waiting users. */
  retries?: RetryPolicy;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The Intercom API for an outgoing run. It shares the workspace's pacer (so every process and
 * flow shares one budget) but fails fast instead of sleeping through long waits.
 */
export function intercomForSync(
  deps: { intercom: IntercomConnections; logger: Logger },
  settings: ConnectorSettings,
  { maxWaitMs, retries }: SyncApiOptions = {},
): IntercomApi | undefined {
  if (maxWaitMs === undefined) return intercomApiFor(deps.intercom, settings, retries);
  return intercomApiFor(deps.intercom, settings, {
    maxRetries: 3,
    backoffMs: 200,
    sleep: async (ms) => {
      if (ms > maxWaitMs)
        throw new RetryableError(`Intercom's rate budget returns in ${ms} ms`, ms);
      await pause(ms);
    },
  });
}
