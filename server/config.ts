import { z } from "zod";
import { ConfigurationError } from "./errors";

/**
 * A TCP port from a variable: a whole number from 0 (any free port) to 65535. The message names
 * what was given, so "PORT=abc" is answered with what to change rather than zod's "NaN".
 */
const port = (fallback: number) =>
  z
    .string()
    .default(String(fallback))
    .refine((value) => /^\d{1,5}$/.test(value) && Number(value) <= 65535, {
      error: (issue) => `must be a port number (0 to 65535), not "${String(issue.input)}"`,
    })
    .transform(Number);

/** Every environment variable the connector reads, with its meaning. Nothing else reads process.env. */
const environment = z.object({
  /** Port the connector listens on. */
  PORT: port(8080),
  /** Interface to listen on; loopback unless told otherwise. */
  HOST: z.string().default("127.0.0.1"),
  /** The URL Hull and Intercom use to reach this connector (OAuth callback, ship.js, webhooks). */
  PUBLIC_URL: z.string().url().optional(),
  /** Signs dashboard tokens and OAuth state, and derives the key that encrypts stored secrets. */
  SECRET: z.string().min(16, "SECRET must be at least 16 characters").optional(),
  /** The Intercom app's OAuth client id and secret (Developer Hub → Basic info). */
  INTERCOM_CLIENT_ID: z.string().min(1).optional(),
  INTERCOM_CLIENT_SECRET: z.string().min(1).optional(),
  /** Intercom's REST API; the region of each workspace (from /me) picks the host unless this is set. */
  INTERCOM_API_URL: z.string().url().optional(),
  /** Intercom's OAuth consent page. */
  INTERCOM_OAUTH_URL: z.string().url().default("https://app.intercom.com/oauth"),
  /** Hull's firehose; Hull's own client lets a connector point it elsewhere. */
  HULL_FIREHOSE_URL: z.string().url().default("https://firehose.hullapp.io"),
  /** Comma-separated host patterns that may be Hull organizations or smart-notifier key hosts. */
  HULL_ALLOWED_HOSTS: z.string().default("*.hullapp.io"),
  /** Comma-separated host patterns Hull's extract files (for /batch) may be downloaded from. */
  HULL_EXTRACT_HOSTS: z.string().default("*.amazonaws.com"),
  /**
   * Lets caller-supplied URLs (extracts, smart-notifier keys) reach loopback addresses. Only the
   * sandbox and the tests, whose stand-ins listen on 127.0.0.1, set it; private and link-local
   * addresses are refused whatever it says.
   */
  OUTBOUND_ALLOW_LOOPBACK: z.enum(["true", "false", "1", "0"]).default("false"),
  /** Where the embedded default keeps its workspace registry and journals. */
  DATA_DIR: z.string().default(".data"),
  /** Set it to move the job queue, de-duplication and caches to Redis (scale-out). */
  REDIS_URL: z.string().url().optional(),
  /** Prefix of every Redis key and BullMQ queue, so several deployments can share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w:-]+$/)
    .default("hull-intercom"),
  /** With REDIS_URL: how long a silent process keeps a job before another process takes it over. */
  JOB_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /**
   * With REDIS_URL: how long (ms) one command on the connector's own keys may wait for Redis before
   * the request that needs it is answered 503 (docs/adr/029); 100 to 60,000. BullMQ's own
   * connection has no such limit.
   */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
  /** How far back the first incremental fetch of a fresh install reads, in hours (1 to 8,760). */
  FETCH_FIRST_LOOKBACK_HOURS: z.coerce.number().int().min(1).max(8760).default(24),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /**
   * How far (%) the heap may grow past what the last full collection kept before V8 collects
   * again (server/heap.ts, ADR 023); 0 keeps V8's own factor.
   */
  HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(1000).default(30),
});

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  secret: string;
  intercom: { clientId: string; clientSecret: string; apiUrl?: string; oauthUrl: string };
  hull: { firehoseUrl: string; allowedHosts: string[]; extractHosts: string[] };
  /** Caller-supplied URLs may reach loopback addresses (sandbox and tests only). */
  allowLoopbackDestinations: boolean;
  dataDir: string;
  redisUrl?: string;
  redisPrefix: string;
  jobLockMs: number;
  /** Milliseconds one command on the keys connection may wait for Redis (docs/adr/029). */
  redisCommandTimeoutMs: number;
  /** Seconds the first incremental fetch of a fresh install looks back. */
  fetchFirstLookbackSeconds: number;
  logLevel: string;
  /** V8's old-generation growing factor in percent (server/heap.ts); 0: V8's own. */
  heapGrowingPercent: number;
}

const hostList = (value: string) =>
  value
    .split(",")
    .map((host) => host.trim())
    .filter(Boolean);

/** One ConfigurationError listing every bad variable: "PORT: must be a port number …". */
function invalid(error: z.ZodError): ConfigurationError {
  const problems = error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  return new ConfigurationError(`Invalid environment:\n  ${problems.join("\n  ")}`);
}

/**
 * Reads and validates the environment. Missing production credentials are an error naming the
 * variable; the sandbox launcher passes its own values in `env`.
 * Throws ConfigurationError naming each invalid or missing variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = environment.safeParse(env);
  if (!parsed.success) throw invalid(parsed.error);
  const values = parsed.data;
  const missing = (["SECRET", "INTERCOM_CLIENT_ID", "INTERCOM_CLIENT_SECRET"] as const).filter(
    (name) => !values[name],
  );
  if (missing.length > 0) {
    throw new ConfigurationError(
      `Missing ${missing.join(", ")}. Set them for a production connector, or run "npm start" to use the sandbox.`,
    );
  }
  return {
    port: values.PORT,
    host: values.HOST,
    publicUrl: (values.PUBLIC_URL ?? `http://${values.HOST}:${values.PORT}`).replace(/\/$/, ""),
    secret: values.SECRET!,
    intercom: {
      clientId: values.INTERCOM_CLIENT_ID!,
      clientSecret: values.INTERCOM_CLIENT_SECRET!,
      apiUrl: values.INTERCOM_API_URL?.replace(/\/$/, ""),
      oauthUrl: values.INTERCOM_OAUTH_URL,
    },
    hull: {
      firehoseUrl: values.HULL_FIREHOSE_URL,
      allowedHosts: hostList(values.HULL_ALLOWED_HOSTS),
      // Hull serves extracts from its own hosts or from file storage: nowhere else.
      extractHosts: [
        ...hostList(values.HULL_ALLOWED_HOSTS),
        ...hostList(values.HULL_EXTRACT_HOSTS),
      ],
    },
    allowLoopbackDestinations: ["true", "1"].includes(values.OUTBOUND_ALLOW_LOOPBACK),
    dataDir: values.DATA_DIR,
    redisUrl: values.REDIS_URL,
    redisPrefix: values.REDIS_PREFIX,
    jobLockMs: values.JOB_LOCK_MS,
    redisCommandTimeoutMs: values.REDIS_COMMAND_TIMEOUT_MS,
    fetchFirstLookbackSeconds: values.FETCH_FIRST_LOOKBACK_HOURS * 3600,
    logLevel: values.LOG_LEVEL,
    heapGrowingPercent: values.HEAP_GROWING_PERCENT,
  };
}

/** The variables that together name a real Intercom app: `npm start` wants all of them or none. */
export const PRODUCTION_VARIABLES = [
  "INTERCOM_CLIENT_ID",
  "INTERCOM_CLIENT_SECRET",
  "SECRET",
] as const;

/**
 * What `npm start` runs: "production" (the compiled connector alone) when every one of
 * PRODUCTION_VARIABLES is set, "sandbox" when none is. Throws ConfigurationError naming the missing ones
 * when only some are set, so that a half-configured production start never becomes a sandbox.
 */
export function startMode(
  env: Record<string, string | undefined> = process.env,
): "production" | "sandbox" {
  const set = PRODUCTION_VARIABLES.filter((name) => env[name]);
  if (set.length === PRODUCTION_VARIABLES.length) return "production";
  if (set.length === 0) return "sandbox";
  const missing = PRODUCTION_VARIABLES.filter((name) => !env[name]);
  throw new ConfigurationError(
    `${set.join(" and ")} ${set.length === 1 ? "is" : "are"} set, but ${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} missing.\n` +
      `  To run against Intercom, set all of ${PRODUCTION_VARIABLES.join(", ")}.\n` +
      `  To start the sandbox, unset ${set.join(" and ")}.`,
  );
}

const sandboxEnvironment = z.object({
  /** The connector's port in the sandbox. */
  PORT: port(8080),
  /** The Hull stand-in's port. */
  HULL_SANDBOX_PORT: port(8081),
  /** The Intercom stand-in's port. */
  INTERCOM_SANDBOX_PORT: port(8082),
  /** Where the sandbox's connector keeps its files; `npm start` clears it unless --keep. */
  SANDBOX_DATA_DIR: z.string().min(1).default(".data/sandbox"),
  /** "1" connects the sandbox workspace through OAuth at start (as --connected). */
  SANDBOX_CONNECTED: z.enum(["0", "1"]).optional(),
});

export interface SandboxConfig {
  /** Ports by the variable that sets them (0: any free port). */
  ports: { PORT: number; HULL_SANDBOX_PORT: number; INTERCOM_SANDBOX_PORT: number };
  dataDir: string;
  connected: boolean;
}

/** Reads the sandbox's own variables (ports, folder); throws ConfigurationError naming a bad one. */
export function loadSandboxConfig(
  env: Record<string, string | undefined> = process.env,
): SandboxConfig {
  const parsed = sandboxEnvironment.safeParse(env);
  if (!parsed.success) throw invalid(parsed.error);
  const values = parsed.data;
  return {
    ports: {
      PORT: values.PORT,
      HULL_SANDBOX_PORT: values.HULL_SANDBOX_PORT,
      INTERCOM_SANDBOX_PORT: values.INTERCOM_SANDBOX_PORT,
    },
    dataDir: values.SANDBOX_DATA_DIR,
    connected: values.SANDBOX_CONNECTED === "1",
  };
}
