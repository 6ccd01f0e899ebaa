import { open, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { HullCredentials } from "../../clients/hull/types";
import { decrypt, deriveKey, encrypt } from "../../crypto";
import { createJournal } from "../../durable/journal";
import type { PendingUpdate, PendingUsers } from "./pending-users";

/** One line of the journal: a connector's credentials, an update kept, or updates settled. */
type Line =
  | { t: "connector"; id: string; org: string; sealed: string }
  | { t: "add"; c: string; u: string; at: number; m: boolean; up: PendingUpdate["update"] }
  | { t: "settle"; c: string; u: string; n: number };

interface ConnectorState {
  credentials: HullCredentials;
  /** Insertion order is waiting order: a user settled to nothing and added again goes last. */
  users: Map<string, PendingUpdate[]>;
}

/**
 * The embedded default: an append-only JSON-lines journal (`pending-users.jsonl` under DATA_DIR),
 * synced to disk before `add` or `settle` resolves, replayed at start. It is rewritten from memory
 * when most of its lines are history, so its size follows the users waiting. Connector secrets are
 * sealed with a key derived from SECRET, as in the job store and the outbox.
 */
export function createFilePendingUsers(dataDir: string, secret: string): PendingUsers {
  const file = join(dataDir, "pending-users.jsonl");
  // All-or-nothing appends: a failed one is cut back, a tail torn by a crash is cut before the
  // next, so an acknowledged line is never glued to a partial one (server/durable/journal.ts).
  const journal = createJournal(file);
  const key = deriveKey(secret, "pending-users");
  const state = new Map<string, ConnectorState>();
  let loaded: Promise<void> | undefined;
  let writing: Promise<unknown> = Promise.resolve();
  let lines = 0;

  function apply(line: Line, credentials?: HullCredentials): void {
    if (line.t === "connector") {
      const existing = state.get(line.id);
      if (existing && credentials) existing.credentials = credentials;
      else if (credentials) state.set(line.id, { credentials, users: new Map() });
      return;
    }
    const connector = state.get(line.c);
    if (!connector) return; // sealed with another SECRET: nobody can send these users for it
    if (line.t === "add") {
      const updates = connector.users.get(line.u) ?? [];
      updates.push({ update: line.up, manual: line.m, at: line.at });
      connector.users.set(line.u, updates);
      return;
    }
    const remaining = (connector.users.get(line.u) ?? []).slice(line.n);
    if (remaining.length > 0) connector.users.set(line.u, remaining);
    else connector.users.delete(line.u);
  }

  function unseal(line: Extract<Line, { t: "connector" }>): HullCredentials | undefined {
    try {
      return { id: line.id, organization: line.org, secret: decrypt(key, line.sealed) };
    } catch {
      return undefined;
    }
  }

  async function load(): Promise<void> {
    const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return "";
      throw error;
    });
    for (const raw of text.split("\n")) {
      if (!raw) continue;
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        continue; // a line cut short by a crash was never acknowledged
      }
      apply(line, line.t === "connector" ? unseal(line) : undefined);
      lines += 1;
    }
  }

  const ready = () => (loaded ??= load());

  function connectorLine(credentials: HullCredentials): Line {
    return {
      t: "connector",
      id: credentials.id,
      org: credentials.organization,
      sealed: encrypt(key, credentials.secret),
    };
  }

  function snapshotLines(): Line[] {
    const out: Line[] = [];
    for (const [id, connector] of state) {
      // Every connector in memory keeps its line, users waiting or not: `add` leaves the line out
      // for a connector it knows, so dropping it here would orphan that connector's next users.
      out.push(connectorLine(connector.credentials));
      for (const [userId, updates] of connector.users)
        for (const { update, manual, at } of updates)
          out.push({ t: "add", c: id, u: userId, at, m: manual, up: update });
    }
    return out;
  }

  const live = () =>
    [...state.values()].reduce(
      (sum, connector) =>
        sum + [...connector.users.values()].reduce((count, updates) => count + updates.length, 0),
      0,
    );

  async function compact(): Promise<void> {
    const snapshot = snapshotLines();
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      const out = await open(temporary, "w", 0o600);
      try {
        await out.writeFile(snapshot.map((line) => `${JSON.stringify(line)}\n`).join(""));
        await out.sync();
      } finally {
        await out.close();
      }
      await rename(temporary, file);
      lines = snapshot.length;
    } catch {
      // The journal as it is still holds everything; compaction is tried again on a later write.
      await rm(temporary, { force: true });
    }
  }

  /** Appends the lines (all or nothing), then applies them in memory; resolves once they are on disk. */
  function write(batch: Line[]): Promise<void> {
    const next = writing.then(async () => {
      await ready();
      // On disk first, then in memory: memory never holds what a failed append did not keep
      // (a connector known in memory always has its line in the journal).
      await journal.append(batch.map((line) => `${JSON.stringify(line)}\n`).join(""));
      for (const line of batch) apply(line, line.t === "connector" ? unseal(line) : undefined);
      lines += batch.length;
      if (lines > 10_000 && lines > 4 * live()) await journal.exclusive(compact);
    });
    writing = next.catch(() => undefined);
    return next;
  }

  async function read<T>(view: () => T): Promise<T> {
    await ready();
    await writing;
    return view();
  }

  return {
    add(credentials, updates) {
      if (updates.length === 0) return Promise.resolve();
      const at = Date.now();
      const known = state.get(credentials.id)?.credentials.secret === credentials.secret;
      return write([
        ...(known ? [] : [connectorLine(credentials)]),
        ...updates.map(({ update, manual }): Line => ({
          t: "add",
          c: credentials.id,
          u: update.user.id,
          at,
          m: manual,
          up: update,
        })),
      ]);
    },
    oldest: (connectorId, limit) =>
      read(() =>
        [...(state.get(connectorId)?.users ?? new Map<string, PendingUpdate[]>())]
          .slice(0, limit)
          .map(([userId, updates]) => ({ userId, updates: structuredClone(updates) })),
      ),
    settle(connectorId, settled) {
      const batch = settled
        .filter(({ updates }) => updates > 0)
        .map(({ userId, updates }): Line => ({
          t: "settle",
          c: connectorId,
          u: userId,
          n: updates,
        }));
      return batch.length > 0 ? write(batch) : Promise.resolve();
    },
    summary: (connectorId) =>
      read(() => {
        const users = state.get(connectorId)?.users;
        const first = users?.values().next().value;
        return { users: users?.size ?? 0, since: first?.[0]?.at };
      }),
    connectors: () =>
      read(() =>
        [...state.values()]
          .filter((connector) => connector.users.size > 0)
          .map((connector) => ({ ...connector.credentials })),
      ),
    // One process owns DATA_DIR, and its drain takes one connector at a time.
    claim: async () => true,
    release: async () => undefined,
  };
}
