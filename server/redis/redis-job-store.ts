import type { Redis } from "ioredis";
import { decrypt, deriveKey, encrypt } from "../crypto";
import type { JobStore } from "../jobs/file-job-store";
import type { StoredJob } from "../jobs/types";

/** Job records and checkpoints in one Redis hash, so any process can resume any job. */
export function createRedisJobStore(
  redis: Redis,
  prefix: string,
  secret: string,
  keepFinished = 10,
): JobStore {
  const sealKey = deriveKey(secret, "jobs");
  const key = `${prefix}:jobs`;
  const decode = (raw: string): StoredJob | undefined => {
    try {
      const { sealedSecret, ...job } = JSON.parse(raw) as Omit<StoredJob, "credentials"> & {
        credentials: { id: string; organization: string };
        sealedSecret: string;
      };
      return {
        ...job,
        credentials: { ...job.credentials, secret: decrypt(sealKey, sealedSecret) },
      } as StoredJob;
    } catch {
      return undefined;
    }
  };
  return {
    async save(job) {
      const { credentials, ...rest } = job;
      const record = {
        ...rest,
        credentials: { id: credentials.id, organization: credentials.organization },
        sealedSecret: encrypt(sealKey, credentials.secret),
      };
      await redis.hset(key, job.id, JSON.stringify(record));
      if (job.state === "done" || job.state === "failed") {
        const finished = (
          Object.values(await redis.hgetall(key))
            .map(decode)
            .filter(Boolean) as StoredJob[]
        )
          .filter(
            (other) =>
              other.connectorId === job.connectorId &&
              (other.state === "done" || other.state === "failed"),
          )
          .sort((a, b) => (b.finished_at ?? "").localeCompare(a.finished_at ?? ""));
        const old = finished.slice(keepFinished).map((other) => other.id);
        if (old.length > 0) await redis.hdel(key, ...old);
      }
    },
    async get(id) {
      const raw = await redis.hget(key, id);
      return raw === null ? undefined : decode(raw);
    },
    async remove(id) {
      await redis.hdel(key, id);
    },
    async list(connectorId) {
      const jobs = Object.values(await redis.hgetall(key))
        .map(decode)
        .filter((job): job is StoredJob => job !== undefined);
      return connectorId ? jobs.filter((job) => job.connectorId === connectorId) : jobs;
    },
  };
}
