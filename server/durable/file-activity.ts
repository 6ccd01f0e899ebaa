import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  ACTIVITY_TIERS,
  DEFAULT_BOUNDS,
  addCounts,
  emptyCounts,
  matches,
  newestFirst,
  tierOf,
  tiersOf,
  type ActivityEntry,
  type ActivityStore,
  type ActivityTier,
} from "./activity-store";
import { createJournal, readJournal, sealLine } from "./journal";

/** A journal line: an entry (`e`) or the counts of an hour (`c`). */
type Line =
  | { t: "e"; c: string; e: ActivityEntry }
  | { t: "c"; c: string; h: number; n: Record<string, number> };

interface ConnectorState {
  tiers: Record<ActivityTier, ActivityEntry[]>;
  /** hour start (ms) → counters. */
  hours: Map<number, Record<string, number>>;
}

export interface FileActivityOptions {
  bounds?: Readonly<Record<ActivityTier, number>>;
  /** Hours of counters kept (older ones are dropped at compaction). Default 48. */
  keepHours?: number;
  now?: () => number;
}

/**
 * The embedded activity log: everything in memory, and — with a `dataDir` — appended to one
 * checksummed journal, `DATA_DIR/activity.jsonl` (`journal.ts`), read back at start. When the
 * journal holds twice what the bounds keep, it is rewritten with only what is kept (temporary
 * file renamed over it, between appends). Without `dataDir` nothing is written (tests).
 */
export function createFileActivityStore(
  dataDir: string | undefined,
  options: FileActivityOptions = {},
): ActivityStore {
  const bounds = options.bounds ?? DEFAULT_BOUNDS;
  const keepHoursMs = (options.keepHours ?? 48) * 3_600_000;
  const now = options.now ?? Date.now;
  const journal = dataDir ? createJournal(join(dataDir, "activity.jsonl")) : undefined;
  const connectors = new Map<string, ConnectorState>();
  let lines = 0;

  const stateOf = (connectorId: string) => {
    let state = connectors.get(connectorId);
    if (!state) {
      state = { tiers: { people: [], runs: [], setup: [] }, hours: new Map() };
      connectors.set(connectorId, state);
    }
    return state;
  };

  function apply(line: Line) {
    const state = stateOf(line.c);
    if (line.t === "e") {
      const tier = state.tiers[tierOf(line.e)];
      tier.push(line.e);
      // Cut in bulk, so that a full tier does not shift its array on every entry.
      const bound = bounds[tierOf(line.e)];
      if (tier.length > bound * 1.25) tier.splice(0, tier.length - bound);
    } else {
      const counts = state.hours.get(line.h) ?? emptyCounts();
      state.hours.set(line.h, addCounts(counts, line.n));
    }
  }

  const kept = (entries: ActivityEntry[], tier: ActivityTier) =>
    entries.length > bounds[tier] ? entries.slice(entries.length - bounds[tier]) : entries;

  const loaded = (async () => {
    if (!journal) return;
    const { records } = await readJournal(journal.path);
    for (const record of records) apply(record as Line);
    lines = records.length;
  })();

  /** What the journal must hold to rebuild the memory: bounded entries, recent hours. */
  function snapshotLines(): Line[] {
    const oldest = now() - keepHoursMs;
    const out: Line[] = [];
    for (const [c, state] of connectors) {
      for (const tier of ACTIVITY_TIERS) {
        state.tiers[tier] = kept(state.tiers[tier], tier);
        for (const e of state.tiers[tier]) out.push({ t: "e", c, e });
      }
      for (const [h, n] of state.hours) {
        if (h < oldest) state.hours.delete(h);
        else out.push({ t: "c", c, h, n });
      }
    }
    return out;
  }

  async function compactIfLarge() {
    if (!journal) return;
    const perConnector = bounds.people + bounds.runs + bounds.setup + 48;
    const limit = 2 * connectors.size * perConnector + 1000;
    if (lines < limit) return;
    await journal.exclusive(async () => {
      const out = snapshotLines();
      const temporary = `${journal.path}.${process.pid}.tmp`;
      await writeFile(temporary, out.map(sealLine).join(""), { mode: 0o600 });
      await rename(temporary, journal.path);
      lines = out.length;
    });
  }

  return {
    async append(connectorId, entries, counts, hour) {
      await loaded;
      const batch: Line[] = entries.map((e) => ({ t: "e", c: connectorId, e }));
      if (Object.keys(counts).length > 0)
        batch.push({ t: "c", c: connectorId, h: hour, n: counts });
      if (batch.length === 0) return;
      for (const line of batch) apply(line);
      if (!journal) return;
      await journal.append(batch.map(sealLine).join(""));
      lines += batch.length;
      await compactIfLarge();
    },
    async page(connectorId, query) {
      await loaded;
      const state = connectors.get(connectorId);
      if (!state) return [];
      const tiers = query.kind ? tiersOf(query.kind) : ACTIVITY_TIERS;
      const found: ActivityEntry[] = [];
      for (const tier of tiers) {
        const entries = kept(state.tiers[tier], tier);
        let taken = 0;
        // Newest at the end: walk back until this tier has given `limit` matches.
        for (let index = entries.length - 1; index >= 0 && taken < query.limit; index -= 1) {
          const entry = entries[index]!;
          if (query.before !== undefined && entry.id >= query.before) continue;
          if (!matches(entry, query)) continue;
          found.push(entry);
          taken += 1;
        }
      }
      return found.sort(newestFirst).slice(0, query.limit);
    },
    async counters(connectorId, sinceHour) {
      await loaded;
      const total = emptyCounts();
      for (const [hour, counts] of connectors.get(connectorId)?.hours ?? []) {
        if (hour >= sinceHour) addCounts(total, counts);
      }
      return total;
    },
  };
}
