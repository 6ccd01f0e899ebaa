import { logLevelFor, RetryableError } from "../errors";
import type { Logger } from "../log";
import { ConnectorHeld, type Outbox } from "./outbox";
import { deadLetter, writeToHull, type WriteToHullDeps } from "./write-to-hull";

/**
 * Offers the outbox to Hull again; run on a timer. A record Hull refuses for good (its refused
 * entries, or all of it when Hull refuses the connector) goes to the dead-letter store, so it never
 * blocks the records behind it; only an outage (RetryableError) keeps a record for the next drain,
 * and so does a write of its connector still in flight past its budget (`deps.lateWrites`).
 */
export async function replayOutbox(
  deps: WriteToHullDeps & { outbox: Outbox },
  logger: Logger,
): Promise<void> {
  try {
    const delivered = await deps.outbox.drain(async (credentials, entries) => {
      // A late webhook write of this connector may still land: the replay waits for it, so that
      // the newer data it holds here is written after it (ADR 026).
      // Not known (Redis away) counts as held: the records wait for the next drain.
      if (await deps.lateWrites?.has(credentials.id).catch(() => true))
        throw new ConnectorHeld("a write of this connector that outlasted its budget is in flight");
      try {
        await writeToHull(deps, credentials, entries, "replay");
      } catch (error) {
        if (error instanceof RetryableError) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        await deadLetter(
          deps,
          credentials,
          entries.map((entry) => ({ entry, reason })),
          "replay",
        );
      }
    });
    if (delivered > 0) logger.info({ delivered }, "replayed data Hull could not take earlier");
  } catch (error) {
    // Redis not answering is logged once per outage by the keys connection (docs/adr/029).
    logger[logLevelFor(error, "error")]({ err: error }, "outbox replay failed");
  }
}
