import type { HullCredentials } from "../../clients/hull/types";
import type { UserUpdate } from "../hull-input/user-update";

/** One `user:update` (or manual send) the connector took over from Hull, as it arrived. */
export interface PendingUpdate {
  update: UserUpdate;
  /** Hull's "send to Intercom" (whatever the segment whitelist), not a segment notification. */
  manual: boolean;
  /** Epoch milliseconds when the connector took it over. */
  at: number;
}

/** A user waiting for Intercom: every update not sent yet, oldest first. */
export interface PendingUser {
  userId: string;
  updates: PendingUpdate[];
}

/** What the dashboard shows: how many users wait, and since when (epoch ms of the oldest). */
export interface PendingSummary {
  users: number;
  since?: number;
}

/** How many of a user's updates (counted from the oldest) have been dealt with. */
export interface Settled {
  userId: string;
  updates: number;
}

/**
 * Users the connector owns between Hull's notification and Intercom's acceptance (ADR 012). An
 * update is kept before Hull is answered, and removed only after Intercom took it or refused it
 * for good; updates that arrive while older ones wait are kept behind them and sent together,
 * newest values winning (`selectUsers` merges them).
 */
export interface PendingUsers {
  /** Stores the updates durably (fsync or Redis) before it resolves. */
  add(credentials: HullCredentials, updates: Omit<PendingUpdate, "at">[]): Promise<void>;
  /** Up to `limit` users, those waiting longest first, each with all its updates. */
  oldest(connectorId: string, limit: number): Promise<PendingUser[]>;
  /**
   * Forgets the first `updates` updates of each user; later arrivals stay. With `holder`, only
   * while it still holds the connector's drain (`claim`): a process whose claim lapsed and was
   * taken over settles nothing, since the new holder counts the same updates and settling them
   * twice would drop a newer one; its users just go out again (Intercom takes a user twice as once).
   */
  settle(connectorId: string, settled: Settled[], holder?: string): Promise<void>;
  summary(connectorId: string): Promise<PendingSummary>;
  /** Connectors with users waiting, with the credentials to reach Hull. */
  connectors(): Promise<HullCredentials[]>;
  /**
   * Makes `holder` the one process sending a connector's waiting users for `ttlMs` (taken, or
   * renewed when it already holds it); false while another live process holds it. A process that
   * dies loses it when the time runs out.
   */
  claim(connectorId: string, holder: string, ttlMs: number): Promise<boolean>;
  release(connectorId: string, holder: string): Promise<void>;
}
