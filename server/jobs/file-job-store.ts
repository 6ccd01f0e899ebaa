import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { decrypt, deriveKey, encrypt } from "../crypto";
import type { StoredJob } from "./types";

export interface JobStore {
  save(job: StoredJob): Promise<void>;
  get(id: string): Promise<StoredJob | undefined>;
  remove(id: string): Promise<void>;
  list(connectorId?: string): Promise<StoredJob[]>;
}

type OnDisk = Omit<StoredJob, "credentials"> & {
  credentials: { id: string; organization: string; sealedSecret: string };
};

/**
 * The embedded default: jobs and their checkpoints in one file under DATA_DIR, written atomically
 * after every page, connector secrets encrypted. Keeps the last finished jobs for the dashboard.
 * Its calls throw the file system's errors as they are.
 */
export function createFileJobStore(dataDir: string, secret: string, keepFinished = 10): JobStore {
  const file = join(dataDir, "jobs.json");
  const key = deriveKey(secret, "jobs");
  let jobs: Map<string, StoredJob> | undefined;
  let writing: Promise<unknown> = Promise.resolve();

  async function load(): Promise<Map<string, StoredJob>> {
    if (jobs) return jobs;
    jobs = new Map();
    try {
      for (const stored of JSON.parse(await readFile(file, "utf8")) as OnDisk[]) {
        try {
          const { sealedSecret, ...credentials } = stored.credentials;
          jobs.set(stored.id, {
            ...stored,
            credentials: { ...credentials, secret: decrypt(key, sealedSecret) },
          });
        } catch {
          // sealed with another SECRET: that job cannot be resumed by this process
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    return jobs;
  }

  function prune(all: Map<string, StoredJob>) {
    const finished = [...all.values()].filter(
      (job) => job.state === "done" || job.state === "failed",
    );
    const byConnector = new Map<string, StoredJob[]>();
    for (const job of finished)
      byConnector.set(job.connectorId, [...(byConnector.get(job.connectorId) ?? []), job]);
    for (const list of byConnector.values()) {
      list.sort((a, b) => (b.finished_at ?? "").localeCompare(a.finished_at ?? ""));
      for (const old of list.slice(keepFinished)) all.delete(old.id);
    }
  }

  function change(mutate: (all: Map<string, StoredJob>) => void): Promise<void> {
    const next = writing.then(async () => {
      const all = await load();
      mutate(all);
      const onDisk: OnDisk[] = [...all.values()].map(({ credentials, ...rest }) => ({
        ...rest,
        credentials: {
          id: credentials.id,
          organization: credentials.organization,
          sealedSecret: encrypt(key, credentials.secret),
        },
      }));
      await mkdir(dataDir, { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(onDisk), { mode: 0o600 });
      await rename(temporary, file);
    });
    writing = next.catch(() => undefined);
    return next;
  }

  return {
    save: (job) =>
      change((all) => {
        all.set(job.id, structuredClone(job));
        prune(all);
      }),
    remove: (id) => change((all) => void all.delete(id)),
    async get(id) {
      await writing;
      const job = (await load()).get(id);
      return job && structuredClone(job);
    },
    async list(connectorId) {
      await writing;
      const all = [...(await load()).values()].map((job) => structuredClone(job));
      return connectorId ? all.filter((job) => job.connectorId === connectorId) : all;
    },
  };
}
