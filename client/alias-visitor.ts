import type { AliasMemory } from "./edges/alias-memory";
import { intercomAnonymousId } from "../common/identity";

/** Runs `task` after `ms`; returns a function that cancels it. setTimeout in the page, fakes in tests. */
export type Schedule = (task: () => void, ms: number) => () => void;

export interface AliasVisitorOptions {
  /** The Messenger's visitor id, undefined until its widget runs. */
  visitorId(): string | undefined;
  /** Hull.alias: adds `intercom:<visitorId>` to the current Hull user. */
  alias(anonymousId: string): unknown;
  memory: AliasMemory;
  schedule: Schedule;
  /** Waits before each attempt. The first is never 0: an alias must not run inside a Hull.js listener. */
  delays?: readonly number[];
}

/** About 16 s in all, against the legacy script's 20 × 100 ms (hull-platform.md §1.5). */
export const DEFAULT_ALIAS_DELAYS = [100, 200, 400, 800, 1600, 3200, 5000, 5000];

/**
 * Aliases the Messenger's visitor id into Hull as `intercom:<visitorId>`, once per visitor id:
 * an Intercom lead's external_id is that id, so the lead lands on this web visitor's profile
 * (DESIGN.md §4). Retries with backoff while the widget loads and gives up quietly.
 * @returns stop(): cancels the pending attempt (on shutdown, before another person's visitor).
 */
export function aliasVisitor(options: AliasVisitorOptions): () => void {
  const delays = options.delays ?? DEFAULT_ALIAS_DELAYS;
  let cancel: (() => void) | undefined;
  let stopped = false;

  const attempt = (index: number) => {
    cancel = undefined;
    if (stopped) return;
    const visitorId = options.visitorId();
    if (visitorId === undefined) {
      if (index + 1 < delays.length) next(index + 1);
      return;
    }
    if (options.memory.has(visitorId)) return;
    Promise.resolve()
      .then(() => options.alias(intercomAnonymousId(visitorId)))
      // Remembered only once Hull accepted it: a failed alias is tried again on the next page.
      .then(() => options.memory.add(visitorId))
      .catch(() => undefined);
  };
  const next = (index: number) => {
    cancel = options.schedule(() => attempt(index), delays[index] ?? 0);
  };

  if (delays.length > 0) next(0);
  return () => {
    stopped = true;
    cancel?.();
  };
}
