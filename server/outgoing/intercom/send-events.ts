import { IntercomApiError } from "../../clients/intercom/errors";
import type { HullEvent } from "../hull-input/user-update";
import { isSendableEvent, mapEventToDataEvent } from "../mapping/event-to-data-event";
import type { OutgoingRun } from "../run/open-outgoing-run";

export interface EventsResult {
  /** Events Intercom took. */
  sent: number;
  /** Events left out or cut (not sendable as they are), for the user's outcome. */
  warnings: string[];
  /** Events Intercom refused (4xx), each with Intercom's reason. */
  problems: string[];
}

/**
 * Sends the user's whitelisted events to contact `contactId`, one `POST /events` each (Intercom
 * has no bulk event endpoint). A refusal (IntercomApiError) is a problem of this user; anything
 * else (rate limit, 5xx, revoked token) is thrown, so the run stops and the user is kept.
 */
export async function sendEvents(
  run: Pick<OutgoingRun, "api" | "settings">,
  events: readonly HullEvent[],
  contactId: string,
): Promise<EventsResult> {
  const result: EventsResult = { sent: 0, warnings: [], problems: [] };
  for (const event of events) {
    if (!isSendableEvent(event, run.settings.sendEvents)) continue;
    const mapped = mapEventToDataEvent(event, contactId);
    if (!mapped.ok) {
      result.warnings.push(`event not sent: ${mapped.reason}`);
      continue;
    }
    if (mapped.droppedKeys.length > 0) {
      result.warnings.push(
        `event "${event.event}": Intercom keeps 10 metadata keys; left out ${mapped.droppedKeys.join(", ")}`,
      );
    }
    try {
      await run.api.createEvent(mapped.event);
      result.sent += 1;
    } catch (error) {
      if (!(error instanceof IntercomApiError)) throw error;
      result.problems.push(`event "${event.event}": ${error.message}`);
    }
  }
  return result;
}
