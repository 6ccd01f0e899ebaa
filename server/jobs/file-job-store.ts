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
 * The embedded default: jobs and their checkpoints in one file under DATA_DIR, connector secrets
 * encrypted. A save resolves once a file holding it is on disk (written to a temporary file, then
 * renamed). Saves that arrive while a write is under way share the next write, so a fetch that
 * checkpoints every page costs one file write per write's duration, not one per page; each job's
 * sealed secret is kept so that a write does not encrypt every job again. Keeps the last finished
 * jobs for the dashboard.
 * Its calls throw the file system's errors as they are.
 */
export function createFileJobStore(dataDir: string, secret: string, keepFinished = 10): JobStore {
  const file = join(dataDir, "jobs.json");
  const key = deriveKey(secret, "jobs");
  let loaded: Promise<Map<string, StoredJob>> | undefined;
  /** The write under way, and the one that will start after it (taking every change up to then). */
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  let directoryReady = false;
  const sealed = new Map<string, { secret: string; sealed: string }>();

  function load(): Promise<Map<string, StoredJob>> {
    loaded ??= (async () => {
      const jobs = new Map<string, StoredJob>();
      try {
        for (const stored of JSON.parse(await readFile(file, "utf8")) as OnDisk[]) {
          try {
            const { sealedSecret, ...credentials } = stored.credentials;
            const plain = decrypt(key, sealedSecret);
            sealed.set(stored.id, { secret: plain, sealed: sealedSecret });
            jobs.set(stored.id, { ...stored, credentials: { ...credentials, secret: plain } });
          } catch {
            // sealed with another SECRET: that job cannot be resumed by this process
          }
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
      return jobs;
    })();
    // A file that could not be read is tried again by the next call.
    loaded.catch(() => (loaded = undefined));
    return loaded;
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

  function sealedSecretOf(job: StoredJob): string {
    const known = sealed.get(job.id);
    if (known?.secret === job.credentials.secret) return known.sealed;
    const fresh = encrypt(key, job.credentials.secret);
    sealed.set(job.id, { secret: job.credentials.secret, sealed: fresh });
    return fresh;
  }

  /** Writes the jobs as they are now: the snapshot is taken before the first await. */
  async function writeNow(all: Map<string, StoredJob>): Promise<void> {
    for (const id of sealed.keys()) if (!all.has(id)) sealed.delete(id);
    const onDisk: OnDisk[] = [...all.values()].map(({ credentials, ...rest }) => ({
      ...rest,
      credentials: {
        id: credentials.id,
        organization: credentials.organization,
        sealedSecret: sealedSecretOf({ ...rest, credentials } as StoredJob),
      },
    }));
    const text = JSON.stringify(onDisk);
    if (!directoryReady) {
      await mkdir(dataDir, { recursive: true });
      directoryReady = true;
    }
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, file);
  }

  /** Resolves once a write that includes every change made so far is on disk. */
  function persist(all: Map<string, StoredJob>): Promise<void> {
    if (queued) return queued;
    const start = () => {
      const write = writeNow(all);
      running = write;
      void write.then(
        () => void (running === write && (running = undefined)),
        () => void (running === write && (running = undefined)),
      );
      return write;
    };
    if (!running) return start();
    const next = running
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        queued = undefined;
        return start();
      });
    queued = next;
    return next;
  }

  function change(mutate: (all: Map<string, StoredJob>) => void): Promise<void> {
    // Changes apply in call order: every one waits on the same load.
    return load().then((all) => {
      mutate(all);
      return persist(all);
    });
  }

  return {
    save: (job) =>
      change((all) => {
        all.set(job.id, structuredClone(job));
        prune(all);
      }),
    remove: (id) => change((all) => void all.delete(id)),
    async get(id) {
      const job = (await load()).get(id);
      return job && structuredClone(job);
    },
    async list(connectorId) {
      const all = [...(await load()).values()].map((job) => structuredClone(job));
      return connectorId ? all.filter((job) => job.connectorId === connectorId) : all;
    },
  };
}
