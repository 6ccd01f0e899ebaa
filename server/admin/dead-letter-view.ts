import type { DeadLetter } from "../durable/dead-letters";

/** What the dashboard shows of a dead letter: who, what, when, why (no connector data). */
export interface DeadLetterView {
  id: string;
  at: string;
  source: DeadLetter["source"];
  reason: string;
  /** traits, track or alias, with the event name for a track. */
  what: string;
  /** The claims Hull was given, as `claim: value` pairs. */
  who: string;
}

/** Pure: the dashboard's row for one dead letter. */
export function deadLetterView(letter: DeadLetter): DeadLetterView {
  const { entry } = letter;
  const who = Object.entries(entry.claims)
    .map(([claim, value]) => `${claim}: ${JSON.stringify(value)}`)
    .join(", ");
  return {
    id: letter.id,
    at: letter.at,
    source: letter.source,
    reason: letter.reason,
    what: entry.type === "track" ? `event "${entry.body.event}"` : entry.type,
    who: who || "(no claims)",
  };
}
