import type { Redis } from "ioredis";
import { RedisUnavailableError } from "../errors";
import type { Logger } from "../log";

/**
 * BullMQ's worker connection (server/jobs/bull-job-runner.ts): `maxRetriesPerRequest: null` and the
 * offline queue on, as BullMQ requires — its blocking commands wait as long as they must, and its
 * commands wait for Redis to come back. Never use it on a request's path: a command on it waits
 * without limit while Redis is away (docs/adr/029); the connector's own keys, and the queue's adds
 * (a job's start), use `createRedisKeys`.
 * ioredis is loaded on first use (a dynamic import the bundle keeps as one): the embedded mode never
 * loads it (~25 MB of RSS and a fifth of a second at start; issue 18).
 */
export async function createRedis(url: string): Promise<Redis> {
  const { Redis } = await import("ioredis");
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

/** The default of `REDIS_COMMAND_TIMEOUT_MS`: how long (ms) a command on the keys connection may take. */
export const REDIS_COMMAND_TIMEOUT_MS = 2000;

export interface RedisKeysOptions {
  /** How long (ms) one command may wait for its answer before it fails; default 2,000. */
  commandTimeoutMs?: number;
  /** Told once per outage ("not answering") and once when Redis answers again. */
  logger?: Logger;
}

/** The keys connection, with whether Redis answered its last command (for `/health`). */
export interface RedisKeys {
  redis: Redis;
  /** False from a command that failed for want of Redis until one succeeds or the connection is ready again. */
  answering(): boolean;
  /**
   * Asks Redis now: one PING on this connection, so it answers within the command timeout (ms) —
   * at once while the connection is not ready (no offline queue). Resolves true if Redis
   * answered, false if not; never rejects. Calls made while one PING is out share it. Its outcome
   * moves `answering()` and the outage's log lines like any command's. For the status check
   * (Hull's schedule, docs/adr/033), which must not trust a state no command has tested lately:
   * a Redis gone silent says nothing until something is sent to it.
   */
  probe(): Promise<boolean>;
  /**
   * Resolves once the connection is ready (the start of a process waits for Redis, as it did);
   * never rejects; resolves at once when it is ready already.
   */
  ready(): Promise<void>;
}

type CommandLike = {
  reject: (error: Error) => void;
  resolve: (value: unknown) => void;
};

/**
 * The connection for the connector's own keys (registry, de-duplication, outbox, late-write marks,
 * waiting users, activity, dead letters, locks, job checkpoints): every command answers or fails
 * within `commandTimeoutMs` (ms), and fails at once while the connection is not ready (docs/adr/029).
 * Options, and the ioredis 6.0 behaviour they rely on:
 * - `commandTimeout`: a command's promise rejects after that long without an answer.
 * - `enableOfflineQueue: false`: a command sent while the connection is not ready is rejected at
 *   once, never queued. A queued command's timeout rejects only its promise, and the queue is
 *   still sent when the connection is ready again, so a write the caller was told failed
 *   (an outbox append after a 503) would happen later.
 * - `autoResendUnfulfilledCommands: false` and `maxRetriesPerRequest: 0`: commands written to a
 *   connection that then closed are rejected at the close and never written again on the next one.
 * Every failure that is not Redis's own answer (a `ReplyError`, e.g. WRONGTYPE) rejects with a
 * RedisUnavailableError (503 to a request, `retry` to Hull) carrying ioredis's error as `cause`.
 * Does not throw; commands reject as said.
 */
export async function createRedisKeys(
  url: string,
  options: RedisKeysOptions = {},
): Promise<RedisKeys> {
  const { Redis, ReplyError } = await import("ioredis");
  const redis = new Redis(url, {
    commandTimeout: options.commandTimeoutMs ?? REDIS_COMMAND_TIMEOUT_MS,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    enableReadyCheck: true,
  });
  const logger = options.logger;
  let down = false;
  const failed = (cause: unknown) => {
    if (down) return;
    down = true;
    logger?.error(
      { err: cause },
      "Redis is unreachable or not answering; requests that need it are answered 503 until it is back",
    );
  };
  const recovered = () => {
    if (!down) return;
    down = false;
    logger?.warn("Redis answers again");
  };
  // ioredis reports a lost or refused connection as an "error" event, and prints any it cannot
  // hand to a listener: this one counts it as the start of an outage (logged once).
  redis.on("error", (error: unknown) => failed(error));
  redis.on("ready", recovered);
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command: CommandLike, ...rest: unknown[]) => {
    const reject = command.reject;
    command.reject = (error: Error) => {
      if (error instanceof ReplyError) return reject(error);
      failed(error);
      reject(new RedisUnavailableError(error));
    };
    if (down) {
      const resolve = command.resolve;
      command.resolve = (value: unknown) => {
        recovered();
        resolve(value);
      };
    }
    return (send as (...args: unknown[]) => unknown)(command, ...rest);
  }) as Redis["sendCommand"];
  let probing: Promise<boolean> | undefined;
  const probe = () =>
    (probing ??= redis
      .ping()
      .then(
        () => true,
        () => false,
      )
      .finally(() => {
        probing = undefined;
      }));
  return {
    redis,
    answering: () => !down,
    probe,
    ready: () =>
      redis.status === "ready"
        ? Promise.resolve()
        : new Promise<void>((resolve) => redis.once("ready", () => resolve())),
  };
}
