/**
 * The connector's one error model (docs/error-handling.md, docs/adr/014). Four kinds, told apart
 * by class, never by message:
 *
 * - `BadRequestError` (and `UnauthorizedError`): OUR CALLER's mistake. A 4xx to the caller,
 *   nothing written, Hull's flow control `next` (resending the same thing cannot help).
 * - `UpstreamRefusedError`: Hull or Intercom refused a request WE made (a 4xx other than auth and
 *   rate limits). Not the caller's fault, so never answered as a 4xx: 502 Bad Gateway, flow
 *   control `next` (the same request would be refused again); the record is reported or
 *   dead-lettered where it happens.
 * - `RetryableError`: the upstream is unavailable (5xx, 429, timeouts, unreachable). 503, flow
 *   control `retry`; jobs wait and try the page again.
 * - `ConfigurationError`: nothing works until a person acts (not connected, token revoked, an
 *   invalid environment at start). 503, flow control `retry`, slowly.
 *
 * Every other error is a bug: 500 with a generic message, logged at error level.
 */
export class ConnectorError extends Error {
  /** HTTP status of OUR answer to a request that failed with this error. */
  readonly status: number = 500;
  /** Whether the message is safe to show to the caller. */
  readonly expose: boolean = false;
  /** A stable name for tests, logs and the dashboard; a message may change, a code does not. */
  readonly code: string = "internal";
}

/** The caller sent something we refuse (a 4xx status, default 400); nothing was written. */
export class BadRequestError extends ConnectorError {
  override readonly status: number;
  override readonly expose = true;
  override readonly code: string;
  /**
   * `status` must be a 4xx: 400 (default), 404 (no such thing), 413 (too large), 422. `code`
   * defaults to "bad-request"; `details` are shown to the caller (field-by-field problems).
   */
  constructor(
    message: string,
    status = 400,
    readonly details?: unknown,
    code = "bad-request",
  ) {
    super(message);
    if (status < 400 || status > 499) throw new RangeError(`not a 4xx status: ${status}`);
    this.status = status;
    this.code = code;
  }
}

/** The caller is not who it says it is: a bad signature, token or set of credentials (401). */
export class UnauthorizedError extends BadRequestError {
  /**
   * `code`: "unauthorized"; "token-expired" for a signed link that was valid and expired; hull's
   * own codes for a refused smart-notifier signature (NotifierSignatureError).
   */
  constructor(message = "Unauthorized", code = "unauthorized") {
    super(message, 401, undefined, code);
  }
}

/** Which service refused or failed a request the connector made. */
export type Upstream = "hull" | "intercom";

/**
 * Hull or Intercom refused a request the connector made, for good (a 4xx other than 401/429).
 * Answered 502: the caller did nothing wrong, and the same request would be refused again.
 */
export class UpstreamRefusedError extends ConnectorError {
  override readonly status = 502;
  override readonly expose = true;
  override readonly code: string = "upstream-refused";
  constructor(
    readonly upstream: Upstream,
    /** The status the upstream answered (0 when it answered 2xx with an unusable body). */
    readonly upstreamStatus: number,
    message: string,
  ) {
    super(message);
  }
}

/** Try again later: rate limits, 5xx, timeouts, Intercom's search lagging behind a create. */
export class RetryableError extends ConnectorError {
  override readonly status = 503;
  override readonly expose = true;
  override readonly code: string = "retry";
  constructor(
    message: string,
    /** How long (ms) to wait before trying again, when known. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * Redis (the scale-out mode's shared store) did not answer a command in time, or could not be
 * reached (docs/adr/029). A RetryableError: 503 to a request, `retry` to Hull; nothing was
 * acknowledged, so the caller's retry loses nothing. Thrown by the keys connection's commands
 * (server/redis/redis-client.ts); `cause` is ioredis's own error.
 */
export class RedisUnavailableError extends RetryableError {
  override readonly code: string = "redis-unavailable";
  constructor(cause?: unknown) {
    super("Redis, the connector's shared store, is unreachable or not answering; retry later");
    if (cause !== undefined) this.cause = cause;
  }
}

/** The connector cannot work until a person acts: not connected, token revoked, bad environment. */
export class ConfigurationError extends ConnectorError {
  override readonly status = 503;
  override readonly expose = true;
  override readonly code: string = "configuration";
}

/**
 * The HTTP status that answers `error` (docs/error-handling.md): a ConnectorError's own status
 * (4xx, 502, 503), 500 for anything else (a bug). The JSON errors middleware, the HTML error pages
 * and the OAuth callback's page all answer with it.
 */
export function statusOf(error: unknown): number {
  return error instanceof ConnectorError ? error.status : 500;
}

export type FlowControl = { type: "next" | "retry"; size?: number; in?: number; in_time?: number };

/**
 * Hull's flow control for a notification that ended with `error` (undefined = success), the
 * answer Hull reads to pace or resend (reference/hull-platform.md §2.4): see docs/error-handling.md.
 */
export function toFlowControl(error?: unknown): FlowControl {
  if (error === undefined) return { type: "next", size: 100, in: 1 };
  if (error instanceof RetryableError) {
    return { type: "retry", size: 100, in: Math.max(1000, error.retryAfterMs ?? 1000) };
  }
  if (error instanceof ConfigurationError) return { type: "retry", size: 10, in: 60_000 };
  if (error instanceof BadRequestError || error instanceof UpstreamRefusedError)
    return { type: "next", size: 100, in: 1 };
  return { type: "retry", size: 10, in: 5000 };
}

/** Whether an error is answered as a refusal (4xx or 502, never resent): the two "for good" kinds. */
export function isRefusal(error: unknown): error is BadRequestError | UpstreamRefusedError {
  return error instanceof BadRequestError || error instanceof UpstreamRefusedError;
}

/**
 * The level to log a failure of background work at: "debug" for a RedisUnavailableError (the
 * keys connection logs an outage once, at its start: docs/adr/029), `level` for anything else.
 */
export function logLevelFor(
  error: unknown,
  level: "warn" | "error" = "warn",
): "debug" | "warn" | "error" {
  return error instanceof RedisUnavailableError ? "debug" : level;
}
