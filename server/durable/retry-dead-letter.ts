import type { HullCredentials } from "../clients/hull/types";
import { BadRequestError, RetryableError } from "../errors";
import type { Outbox } from "./outbox";
import { writeToHull, type WriteToHullDeps } from "./write-to-hull";

export type RetryOutcome =
  | { outcome: "written" }
  /** Hull refused it again: a new dead letter with Hull's latest reason replaces it. */
  | { outcome: "refused"; reason: string }
  /** Hull is down: it waits in the outbox like an acknowledged webhook. */
  | { outcome: "queued" };

/**
 * Offers one dead letter to Hull again (the dashboard's "Retry", after a person fixed the record or
 * the mapping). The letter is removed only once its record is in Hull, in the dead-letter store
 * again with the new reason, or in the outbox. Throws BadRequestError (404) for an unknown id.
 */
export async function retryDeadLetter(
  deps: WriteToHullDeps & { outbox: Outbox },
  credentials: HullCredentials,
  id: string,
): Promise<RetryOutcome> {
  const letter = await deps.deadLetters.get(credentials.id, id);
  if (!letter)
    throw new BadRequestError("No such refused record (it may have been retried already)", 404);
  let result: RetryOutcome;
  try {
    const written = await writeToHull(deps, credentials, [letter.entry], "retry");
    const refused = written.kind === "written" ? written.refused[0] : undefined;
    result = refused ? { outcome: "refused", reason: refused.reason } : { outcome: "written" };
  } catch (error) {
    if (!(error instanceof RetryableError)) throw error;
    await deps.outbox.append(credentials, [letter.entry]);
    result = { outcome: "queued" };
  }
  await deps.deadLetters.remove(credentials.id, id);
  return result;
}
