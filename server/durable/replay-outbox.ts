import type { FirehoseWriter } from "../clients/hull/firehose";
import type { Logger } from "../log";
import type { Outbox } from "./outbox";

/** Offers the outbox to Hull again; run on a timer. */
export async function replayOutbox(
  deps: { outbox: Outbox; firehose: FirehoseWriter },
  logger: Logger,
): Promise<void> {
  try {
    const delivered = await deps.outbox.drain((credentials, entries) =>
      deps.firehose.write(credentials, entries),
    );
    if (delivered > 0) logger.info({ delivered }, "replayed data Hull could not take earlier");
  } catch (error) {
    logger.error({ err: error }, "outbox replay failed");
  }
}
