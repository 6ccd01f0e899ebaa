import { randomUUID } from "node:crypto";
import type { HullCredentials } from "../../clients/hull/types";
import type { RetryPolicy } from "../../clients/intercom/connections";
import { logLevelFor, RetryableError } from "../../errors";
import { readSettings } from "../../settings";
import type { CustomAttributeCache } from "../intercom/custom-attributes";
import { selectUsers, type Selection } from "../filter/select-users";
import { openOutgoingRun, type OutgoingDeps } from "../run/open-outgoing-run";
import { sendUsers } from "../run/send-users";
import type { PendingUser, PendingUsers } from "./pending-users";

export interface PendingDrainOptions {
  attributeCache: CustomAttributeCache;
  /** How long a process keeps a connector's drain when it stops renewing it (it died). */
  lockMs?: number;
  /** Users read per round; the next round starts once these are settled. */
  batchSize?: number;
  /** Users in flight at once; the workspace's pacer bounds requests further. */
  concurrency?: number;
  /** How often to look for waiting users (a notification that hands users over also wakes it). */
  pollMs?: number;
  /** Longest wait after a round Intercom (or Hull) cut short. */
  maxBackoffMs?: number;
  /** Intercom retries within a round; the round's users wait on when they run out. */
  retries?: RetryPolicy;
}

export interface PendingDrain {
  /** Looks for waiting users now (after a notification handed some over). */
  kick(): void;
  /**
   * Stops looking, and waits a little for the rounds in flight; users they did not settle stay
   * waiting and go out after the restart (Intercom takes a user twice as once, ADR 012).
   */
  stop(): Promise<void>;
}

interface RoundResult {
  sent: number;
  /** Users the round handed back (a transient failure each); they stay first in line. */
  unsent: number;
  stoppedBy?: unknown;
}

/**
 * Sends the users the connector took over from Hull (ADR 012) as Intercom's budget returns: per
 * connector, one process at a time (`PendingUsers.claim`), the longest-waiting users first, with
 * the connector's fresh settings. A user leaves the store once Intercom took it or refused it
 * for good (a refusal is reported like any other); a round that meets a rate limit, a 5xx or an
 * unreachable Hull ends, and the next one starts after the wait Intercom named (or a growing
 * backoff), from the users still waiting. Nothing is dropped for a transient failure.
 */
export function startPendingDrain(
  deps: OutgoingDeps & { pending: PendingUsers },
  options: PendingDrainOptions,
): PendingDrain {
  const {
    attributeCache,
    lockMs = 30_000,
    batchSize = 200,
    concurrency = 16,
    pollMs = 1000,
    maxBackoffMs = 15_000,
    retries = { maxRetries: 4, backoffMs: 250 },
  } = options;
  const holder = randomUUID();
  const busy = new Map<string, Promise<void>>();
  const backoff = new Map<string, { until: number; failures: number }>();
  let stopped = false;

  async function round(credentials: HullCredentials, users: PendingUser[]): Promise<RoundResult> {
    const connector = await deps.hullClient(credentials).getConnector();
    const settings = readSettings(connector);
    const run = openOutgoingRun(deps, credentials, settings, { attributeCache, retries });
    const manual = users.filter((user) => user.updates.some((pending) => pending.manual));
    const automatic = users.filter((user) => !manual.includes(user));
    const updatesOf = (group: PendingUser[]) =>
      group.flatMap((user) => user.updates.map((pending) => pending.update));
    const selections: Selection[] = [
      selectUsers(updatesOf(automatic), settings),
      selectUsers(updatesOf(manual), settings, { manual: true }),
    ];
    const skipped = selections.flatMap((selection) => selection.skipped);
    for (const skip of skipped) run.logger.debug(skip, "outgoing.user.skip");
    if (skipped.length > 0)
      deps.activity.count(credentials.id, "outgoing.users.skipped", skipped.length);
    const { unsent, stoppedBy } = await sendUsers(
      run,
      { send: selections.flatMap((selection) => selection.send), skipped: [] },
      // One user's 5xx is not Intercom being down: carry on with the others, stop only when a
      // whole set of users in flight failed in a row.
      { concurrency, tolerateInARow: concurrency },
    );
    const unfinished = new Set(unsent.map((entry) => entry.update.user.id));
    const settled = users.filter((user) => !unfinished.has(user.userId));
    await deps.pending.settle(
      credentials.id,
      settled.map((user) => ({ userId: user.userId, updates: user.updates.length })),
      holder,
    );
    return { sent: settled.length, unsent: unsent.length, stoppedBy };
  }

  function waitAfter(connectorId: string, error: unknown): number {
    const failures = (backoff.get(connectorId)?.failures ?? 0) + 1;
    const named = error instanceof RetryableError ? (error.retryAfterMs ?? 0) : 0;
    const waitMs = Math.min(maxBackoffMs, Math.max(named, 500 * 2 ** Math.min(failures, 6)));
    backoff.set(connectorId, { until: Date.now() + waitMs, failures });
    return waitMs;
  }

  async function drainConnector(credentials: HullCredentials): Promise<void> {
    const connectorId = credentials.id;
    const logger = deps.logger.child({ connector: connectorId });
    try {
      if (!(await deps.pending.claim(connectorId, holder, lockMs))) return;
    } catch (error) {
      // The store not answering (Redis away): the next look tries again. Never a rejection
      // nobody handles (it would end the process).
      logger[logLevelFor(error)]({ err: error }, "outgoing.pending: drain lock not taken");
      return;
    }
    const renew = setInterval(
      () => void deps.pending.claim(connectorId, holder, lockMs).catch(() => undefined),
      Math.max(250, Math.floor(lockMs / 3)),
    );
    try {
      while (!stopped) {
        const users = await deps.pending.oldest(connectorId, batchSize);
        if (users.length === 0) break;
        const waitedSince = Math.min(...users.flatMap((user) => user.updates.map((u) => u.at)));
        const { sent, unsent, stoppedBy } = await round(credentials, users);
        if (sent > 0) {
          const since = new Date(waitedSince).toISOString();
          logger.info({ users: sent, waitingSince: since }, "outgoing.pending.sent");
          deps.activity.count(connectorId, "outgoing.pending.sent", sent);
          deps.activity.record(connectorId, {
            kind: "user",
            outcome: "ok",
            message: `${sent} users that waited for Intercom's rate budget (since ${since}) went out`,
          });
          backoff.delete(connectorId);
        }
        if (stoppedBy !== undefined || (sent === 0 && unsent > 0)) {
          const waitMs = waitAfter(connectorId, stoppedBy);
          logger.warn({ err: stoppedBy, waitMs }, "outgoing.pending.wait: users keep waiting");
          break;
        }
      }
    } catch (error) {
      // Hull unreachable, Intercom not connected, the store failing: the users stay; try later.
      const waitMs = waitAfter(connectorId, error);
      logger[logLevelFor(error)](
        { err: error, waitMs },
        "outgoing.pending.wait: users keep waiting",
      );
    } finally {
      clearInterval(renew);
      await deps.pending.release(connectorId, holder).catch(() => undefined);
    }
  }

  async function look(): Promise<void> {
    if (stopped) return;
    let waiting: HullCredentials[];
    try {
      waiting = await deps.pending.connectors();
    } catch (error) {
      deps.logger[logLevelFor(error)](
        { err: error },
        "outgoing.pending: waiting users not readable",
      );
      return;
    }
    for (const credentials of waiting) {
      if (stopped || busy.has(credentials.id)) continue;
      if ((backoff.get(credentials.id)?.until ?? 0) > Date.now()) continue;
      const task = drainConnector(credentials).finally(() => busy.delete(credentials.id));
      busy.set(credentials.id, task);
    }
  }

  const timer = setInterval(() => void look(), pollMs);
  void look();
  return {
    kick: () => void look(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...busy.values()]),
        new Promise((resolve) => (timeout = setTimeout(resolve, 5000))),
      ]);
      clearTimeout(timeout);
    },
  };
}
