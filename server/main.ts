import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createActivityLog } from "./activity";
import { recordJobEnds } from "./activity-entries";
import { createFileActivityStore } from "./durable/file-activity";
import { createRedisActivityStore } from "./redis/redis-activity";
import { createApp, type AppDeps } from "./app";
import { createHullAuthenticator } from "./clients/hull/authenticate";
import { createFirehoseWriter } from "./clients/hull/firehose";
import { createNotifierSignatureVerifier } from "./clients/hull/notifier-signature";
import { createHullRestClient, createSettingsWriter } from "./clients/hull/rest";
import { createTokenIssuer } from "./clients/hull/tokens";
import { createSafeFetch } from "./clients/safe-fetch";
import { createIntercomConnections } from "./clients/intercom/connections";
import { loadConfig, type Config } from "./config";
import { logLevelFor } from "./errors";
import { createMemoryDeduplicator } from "./incoming/webhook/deduplicator";
import { createFileDeadLetters } from "./durable/file-dead-letters";
import { createFileOutbox } from "./durable/file-outbox";
import { replayOutbox } from "./durable/replay-outbox";
import { createLateWrites } from "./durable/write-to-hull";
import { createRedisLateWrites } from "./redis/redis-late-writes";
import { createCustomAttributeCache } from "./outgoing/intercom/custom-attributes";
import { createExtractFiles } from "./outgoing/hull-input/extract-files";
import { createFilePendingUsers } from "./outgoing/pending/file-pending-users";
import { startPendingDrain } from "./outgoing/pending/drain-pending-users";
import { createFileJobStore } from "./jobs/file-job-store";
import { createJobHandlers } from "./jobs/handlers";
import { createJobRunner } from "./jobs/job-runner";
import { createBullJobRunner } from "./jobs/bull-job-runner";
import { createLogger, type Logger } from "./log";
import { countActivity, countOutbox, recordIntercomRetry } from "./metrics";
import { createRedis, createRedisKeys } from "./redis/redis-client";
import { createRedisDeadLetters } from "./redis/redis-dead-letters";
import { createRedisDeduplicator } from "./redis/redis-deduplicator";
import { createRedisJobStore } from "./redis/redis-job-store";
import { createRedisLock } from "./redis/redis-lock";
import { createRedisOutbox } from "./redis/redis-outbox";
import { createRedisPendingUsers } from "./redis/redis-pending-users";
import { createRedisRegistry } from "./redis/redis-registry";
import { PATHS } from "./paths";
import { createFileRegistry } from "./registry";
import { createFileConfirmedConnectors } from "./durable/confirmed-connectors";
import { createRedisConfirmedConnectors } from "./redis/redis-confirmed-connectors";
import {
  createWorkspaceLinkKeeper,
  keepingWorkspaceLinks,
} from "./connection/workspace-link-keeper";
import { tuneHeap } from "./heap";

// Re-exported so that a host starting the compiled bundle in its own process (the bench's
// bench/processes/compiled-connector.mjs) configures it exactly as `main` does.
export { loadConfig };
export { tuneHeap };

export interface RunningConnector {
  url: string;
  deps: AppDeps;
  close(): Promise<void>;
}

/** Builds the real clients from the configuration and starts listening. */
export async function startConnector(
  config: Config,
  logger: Logger = createLogger(config.logLevel),
): Promise<RunningConnector> {
  const manifest = JSON.parse(readFileSync(PATHS.manifest, "utf8")) as Record<string, unknown>;
  // Listen first so that port 0 (tests) still yields a known public URL for OAuth callbacks.
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  // The organization named in a request is the caller's: its calls go through the SSRF-safe fetch.
  const hullTransport = createSafeFetch({
    allowedHosts: config.hull.allowedHosts,
    allowLoopback: config.allowLoopbackDestinations,
  });
  // With REDIS_URL, everything shared between processes lives in Redis (DESIGN.md §3): the
  // connector's own keys on a connection whose commands answer or fail within
  // REDIS_COMMAND_TIMEOUT_MS (a request gets 503 rather than hanging), BullMQ on its own, which
  // waits as BullMQ requires (docs/adr/029). The start waits for Redis, as it always did.
  const keys = config.redisUrl
    ? await createRedisKeys(config.redisUrl, {
        commandTimeoutMs: config.redisCommandTimeoutMs,
        logger,
      })
    : undefined;
  if (keys) await keys.ready();
  const redis = keys?.redis;
  const bullRedis = config.redisUrl ? await createRedis(config.redisUrl) : undefined;
  // Hull's last answer for each connector is kept across restarts, so a process started during a
  // Hull outage still takes webhooks into the outbox (docs/adr/031).
  const hullAuth = createHullAuthenticator(
    config.hull.allowedHosts,
    undefined,
    undefined,
    hullTransport,
    {
      store: redis
        ? createRedisConfirmedConnectors(redis, config.redisPrefix, config.secret)
        : createFileConfirmedConnectors(config.dataDir, config.secret),
      onError: (error) =>
        logger[logLevelFor(error)]({ err: error }, "hull's last answer for a connector not kept"),
    },
  );
  const serializeSettingsWrites = createSettingsWriter(
    (credentials) => hullAuth.forget(credentials),
    redis && createRedisLock(redis, config.redisPrefix),
  );
  const hullClient: AppDeps["hullClient"] = (credentials) =>
    serializeSettingsWrites(
      credentials,
      createHullRestClient(credentials, undefined, hullTransport),
    );
  const registry = redis
    ? createRedisRegistry(redis, config.redisPrefix, config.secret)
    : createFileRegistry(config.dataDir, config.secret);
  const activity = countActivity(
    createActivityLog({
      store: redis
        ? createRedisActivityStore(redis, config.redisPrefix)
        : createFileActivityStore(config.dataDir),
      onError: (error) =>
        logger[logLevelFor(error)]({ err: error }, "activity log entries not kept"),
    }),
  );
  const intercom = createIntercomConnections({
    apiUrl: config.intercom.apiUrl,
    onRetry: (retry) => {
      recordIntercomRetry(retry);
      logger.warn(retry, "intercom request retried");
    },
  });
  const workspaceLinks = createWorkspaceLinkKeeper({
    registry,
    hullClient,
    intercom,
    logger,
    activity,
  });
  const base: Omit<AppDeps, "jobs" | "pendingDrain"> = {
    publicUrl: config.port === 0 && config.publicUrl.endsWith(":0") ? url : config.publicUrl,
    logger,
    manifest,
    assetsDir: PATHS.dist,
    tokens: createTokenIssuer(config.secret),
    // Hull holds which workspace a connector is connected to; the registry is rebuilt from it
    // when Redis or DATA_DIR lost it (docs/adr/030).
    hullAuth: keepingWorkspaceLinks(hullAuth, workspaceLinks),
    workspaceLinks,
    hullClient,
    registry,
    intercom,
    oauthApp: {
      clientId: config.intercom.clientId,
      clientSecret: config.intercom.clientSecret,
      authorizeUrl: config.intercom.oauthUrl,
      apiUrl: config.intercom.apiUrl ?? "https://api.intercom.io",
    },
    // What each connector did and why, kept across restarts and shared by processes (ADR 017).
    activity,
    firehose: createFirehoseWriter({ url: config.hull.firehoseUrl }),
    lateWrites: redis ? createRedisLateWrites(redis, config.redisPrefix) : createLateWrites(),
    notifierSignatures: createNotifierSignatureVerifier(config.hull.allowedHosts, {
      allowLoopback: config.allowLoopbackDestinations,
    }),
    intercomClientSecret: config.intercom.clientSecret,
    extractHosts: config.hull.extractHosts,
    deduplicator: redis
      ? createRedisDeduplicator(redis, config.redisPrefix)
      : createMemoryDeduplicator(),
    outbox: countOutbox(
      redis
        ? createRedisOutbox(redis, config.redisPrefix, config.secret)
        : createFileOutbox(config.dataDir, config.secret, {
            onDamaged: (count) =>
              logger.error(
                { count },
                "outbox lines left out: damaged or sealed with another SECRET",
              ),
          }),
    ),
    deadLetters: redis
      ? createRedisDeadLetters(redis, config.redisPrefix)
      : createFileDeadLetters(config.dataDir),
    pending: redis
      ? createRedisPendingUsers(redis, config.redisPrefix, config.secret)
      : createFilePendingUsers(config.dataDir, config.secret),
  };
  // Extract files a killed process left (personal data) go before any job resumes.
  const extractFiles = createExtractFiles(config.dataDir);
  await extractFiles.sweep();
  const handlers = createJobHandlers(base, {
    fetchFirstLookbackSeconds: config.fetchFirstLookbackSeconds,
    extracts: {
      files: extractFiles,
      fetch: createSafeFetch({
        allowedHosts: config.hull.extractHosts,
        allowLoopback: config.allowLoopbackDestinations,
      }),
    },
  });
  // Every job's end is written to the activity log (docs/adr/017), as the runner decided it.
  const onEnd = recordJobEnds(base.activity);
  const jobs = redis
    ? await createBullJobRunner({
        redis: bullRedis!,
        // A request's start adds to the queue on the bounded keys connection (docs/adr/029).
        producer: redis,
        prefix: config.redisPrefix,
        store: createRedisJobStore(redis, config.redisPrefix, config.secret),
        handlers,
        logger,
        lockMs: config.jobLockMs,
        onEnd,
        redisAnswering: keys?.answering,
      })
    : createJobRunner({
        store: createFileJobStore(config.dataDir, config.secret),
        handlers,
        logger,
        onEnd,
      });
  // Users taken over from Hull go out from here, one process per connector (ADR 012).
  const pendingDrain = startPendingDrain(base, {
    attributeCache: createCustomAttributeCache(),
    lockMs: config.jobLockMs,
  });
  const deps: AppDeps = {
    ...base,
    jobs,
    pendingDrain,
    redisAnswering: keys?.answering,
    // The status reported to Hull says when Redis is away (docs/adr/033).
    redisReachable: keys?.probe,
  };
  server.on("request", createApp(deps).callback());
  const replay = setInterval(() => void replayOutbox(base, logger), 5000);
  const resumed = await jobs.resumeUnfinished();
  if (resumed > 0) logger.info({ resumed }, "resuming jobs a previous process left unfinished");
  logger.info({ port, publicUrl: deps.publicUrl }, "connector listening");
  let closing: Promise<void> | undefined;
  return {
    url,
    deps,
    // Stop accepting, pause jobs at their checkpoint, let requests in flight finish (bounded),
    // and flush what was acknowledged to Hull before the process goes.
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), 10_000);
        clearInterval(replay);
        await Promise.all([jobs.stop(), pendingDrain.stop()]);
        await closed;
        clearTimeout(force);
        await deps.firehose.flush();
        await deps.activity.flush();
        for (const connection of [redis, bullRedis])
          if (connection && connection.status !== "end")
            await connection.quit().catch(() => connection.disconnect());
      })();
      return closing;
    },
  };
}

/**
 * Entry point for a production connector: `node dist/server.mjs` (this file compiled by
 * `npm run build`, ADR 016), or `tsx server/main.ts` from source.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  tuneHeap(config.heapGrowingPercent);
  const logger = createLogger(config.logLevel);
  const connector = await startConnector(config, logger);
  const stop = async (signal: string) => {
    logger.info({ signal }, "shutting down");
    await connector.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
