import type { FirehoseEntry } from "../clients/hull/types";

/** Where a refused record came from. */
export type DeadLetterSource = "webhook" | "fetch" | "replay" | "retry";

/** A record Hull refused for good, kept with the reason so a person can see it and retry it. */
export interface DeadLetter {
  id: string;
  /** The Hull connector the record was for. */
  connector: string;
  /** ISO time it was refused. */
  at: string;
  source: DeadLetterSource;
  reason: string;
  entry: FirehoseEntry;
}

export type NewDeadLetter = Pick<DeadLetter, "source" | "reason" | "entry">;

/**
 * The dead-letter store (a file under DATA_DIR, or Redis in scale-out). No connector secret is kept:
 * a retry runs with the credentials of the person who asks for it from the dashboard.
 */
export interface DeadLetterStore {
  /** Resolves once the letters are durable. */
  add(connectorId: string, letters: NewDeadLetter[]): Promise<void>;
  /** The newest `limit` letters of a connector, and how many there are. */
  list(connectorId: string, limit?: number): Promise<{ total: number; letters: DeadLetter[] }>;
  get(connectorId: string, id: string): Promise<DeadLetter | undefined>;
  remove(connectorId: string, id: string): Promise<void>;
  /** How many letters wait across every connector (the `/metrics` gauge). */
  count(): Promise<number>;
}
