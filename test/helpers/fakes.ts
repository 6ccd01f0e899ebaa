// Small recording fakes of the connector's ports, for orchestrator tests that run in-process: each
// keeps what it was asked to do, and its failures are switched on by the test.
import type { HullAuthenticator } from "../../server/clients/hull/authenticate";
import { EntriesRefused, type FirehoseWriter } from "../../server/clients/hull/firehose";
import type { HullRestClient } from "../../server/clients/hull/rest";
import type {
  FirehoseEntry,
  HullConnector,
  HullCredentials,
  HullSegment,
} from "../../server/clients/hull/types";
import type { DeadLetterStore, NewDeadLetter } from "../../server/durable/dead-letters";
import type { Outbox } from "../../server/durable/outbox";
import type { Deduplicator } from "../../server/incoming/webhook/deduplicator";
import { newJob, type JobRunner } from "../../server/jobs/job-runner";
import type { StoredJob } from "../../server/jobs/types";
import type { WorkspaceRegistry } from "../../server/registry";

export const CREDENTIALS: HullCredentials = {
  id: "5f0c1a2b3c4d5e6f7a8b9c0d",
  organization: "acme.hullapp.io",
  secret: "connector-secret",
};

/**
 * A firehose that records every entry it accepts. `mode`: "accept"; "slow" (never answers);
 * "down" (rejects with `failure`, a RetryableError-like error the test gives); "refuse" (refuses
 * the entries `refuses` picks, accepts the rest, as the real writer does after splitting).
 */
export function fakeFirehose() {
  const fake = {
    written: [] as FirehoseEntry[],
    calls: 0,
    mode: "accept" as "accept" | "slow" | "down" | "refuse",
    failure: undefined as unknown,
    refuses: (_entry: FirehoseEntry) => false,
    writer: undefined as unknown as FirehoseWriter,
  };
  fake.writer = {
    async write(_credentials, entries) {
      fake.calls++;
      if (fake.mode === "slow") return new Promise<void>(() => undefined);
      if (fake.mode === "down") throw fake.failure;
      const refused = entries.filter((entry) => fake.refuses(entry));
      fake.written.push(...entries.filter((entry) => !refused.includes(entry)));
      if (refused.length > 0)
        throw new EntriesRefused(
          refused.map((entry) => ({ entry, reason: "refused by the fake" })),
        );
    },
    flush: async () => undefined,
  };
  return fake;
}

/** An outbox that keeps appends in memory; `failing` makes append reject (a full disk). */
export function fakeOutbox() {
  const fake = {
    kept: [] as { credentials: HullCredentials; entries: FirehoseEntry[] }[],
    failing: false,
    outbox: undefined as unknown as Outbox,
  };
  fake.outbox = {
    async append(credentials, entries) {
      if (fake.failing) throw new Error("ENOSPC: no space left on device");
      fake.kept.push({ credentials, entries });
    },
    async drain(write) {
      let delivered = 0;
      while (fake.kept.length > 0) {
        const record = fake.kept[0]!;
        await write(record.credentials, record.entries);
        fake.kept.shift();
        delivered += record.entries.length;
      }
      return delivered;
    },
    size: async () => fake.kept.length,
    holds: async (connectorId) =>
      fake.kept.some(({ credentials }) => credentials.id === connectorId),
  };
  return fake;
}

/** A deduplicator that records the calls it received, in order. */
export function fakeDeduplicator() {
  const fake = {
    calls: [] as string[],
    delivered: new Set<string>(),
    inFlight: new Set<string>(),
    deduplicator: undefined as unknown as Deduplicator,
  };
  fake.deduplicator = {
    async claim(key) {
      fake.calls.push(`claim ${key}`);
      if (fake.delivered.has(key) || fake.inFlight.has(key)) return "duplicate";
      fake.inFlight.add(key);
      return "claimed";
    },
    async remember(key) {
      fake.calls.push(`remember ${key}`);
      fake.inFlight.delete(key);
      fake.delivered.add(key);
    },
    async release(key) {
      fake.calls.push(`release ${key}`);
      fake.inFlight.delete(key);
    },
  };
  return fake;
}

/** A registry of app_id → connectors, fixed by the test. */
export function fakeRegistry(byApp: Record<string, HullCredentials[]>): WorkspaceRegistry {
  const map = new Map(Object.entries(byApp));
  return {
    connectorsFor: async (appId) => map.get(appId) ?? [],
    findConnector: async (id) => [...map.values()].flat().find((c) => c.id === id),
    register: async (appId, credentials) => void map.set(appId, [credentials]),
    unregister: async (appId) => void map.delete(appId),
  };
}

export function fakeDeadLetters() {
  const fake = { added: [] as NewDeadLetter[], store: undefined as unknown as DeadLetterStore };
  fake.store = {
    add: async (_connector, letters) => void fake.added.push(...letters),
    list: async () => ({ total: fake.added.length, letters: [] }),
    get: async () => undefined,
    remove: async () => undefined,
    count: async () => fake.added.length,
  };
  return fake;
}

/**
 * Hull's side for one connector: its private settings, its segments, the settings writes it took.
 * `refuse` makes authentication (and getConnector) throw the given error.
 */
export function fakeHull(privateSettings: Record<string, unknown>, segments: HullSegment[] = []) {
  const fake = {
    connector: {
      id: CREDENTIALS.id,
      settings: {},
      private_settings: { ...privateSettings },
    } as HullConnector,
    settingsWrites: [] as Record<string, unknown>[],
    refuse: undefined as unknown,
    auth: undefined as unknown as HullAuthenticator,
    client: undefined as unknown as HullRestClient,
  };
  fake.auth = {
    async authenticate() {
      if (fake.refuse) throw fake.refuse;
      return fake.connector;
    },
    forget: () => undefined,
    cachedCount: () => 1,
  };
  fake.client = {
    async getConnector() {
      if (fake.refuse) throw fake.refuse;
      return fake.connector;
    },
    async updateSettings(update) {
      fake.settingsWrites.push(update.private_settings);
      fake.connector.private_settings = {
        ...fake.connector.private_settings,
        ...update.private_settings,
      };
      return fake.connector;
    },
    putStatus: async () => undefined,
    getSegments: async () => segments,
    getAttributeTree: async () => [],
    requestExtract: async () => undefined,
    async getSegment(id) {
      const segment = segments.find((each) => each.id === id);
      if (!segment) throw new Error(`no segment ${id} in the fake`);
      return segment;
    },
    getEventNames: async () => [],
  };
  return fake;
}

/** A job runner that records the jobs asked for; a second of the same kind is "already running". */
export function fakeJobRunner() {
  const fake = {
    started: [] as StoredJob[],
    runner: undefined as unknown as JobRunner,
  };
  fake.runner = {
    async start(credentials, request) {
      const running = fake.started.find((job) => job.kind === request.kind);
      if (running) return { started: false, job: running };
      const job = newJob(credentials, request);
      fake.started.push(job);
      return { started: true, job };
    },
    list: async () => fake.started,
    resumeUnfinished: async () => 0,
    stop: async () => undefined,
  };
  return fake;
}
