/**
 * Errors that say what happens next. Each kind maps once to an HTTP status and to Hull's flow
 * control, so handlers throw and the edges decide.
 */
export class ConnectorError extends Error {
  /** HTTP status for a request that failed with this error. */
  readonly status: number = 500;
  /** Whether the message is safe to show to the caller. */
  readonly expose: boolean = false;
}

/** The caller sent something we refuse; nothing was written. */
export class BadRequestError extends ConnectorError {
  override readonly status: number;
  override readonly expose = true;
  constructor(
    message: string,
    status = 400,
    readonly details?: unknown,
  ) {
    super(message);
    this.status = status;
  }
}

/** The caller is not who it says it is. */
export class UnauthorizedError extends BadRequestError {
  constructor(message = "Unauthorized") {
    super(message, 401);
  }
}

/** Try again later: rate limits, 5xx, timeouts, Intercom's search lagging behind a create. */
export class RetryableError extends ConnectorError {
  override readonly status = 503;
  override readonly expose = true;
  constructor(
    message: string,
    /** How long to wait before trying again, when known. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The connector cannot work until a person acts: not connected, token revoked. */
export class ConfigurationError extends ConnectorError {
  override readonly status = 503;
  override readonly expose = true;
}

/** One record we will not sync; the batch carries on. */
export class SkipError extends ConnectorError {
  override readonly status = 422;
  override readonly expose = true;
}

export type FlowControl = { type: "next" | "retry"; size?: number; in?: number; in_time?: number };

/** Hull's flow control for a notification that ended with `error` (undefined = success). */
export function toFlowControl(error?: unknown): FlowControl {
  if (error === undefined) return { type: "next", size: 100, in: 1 };
  if (error instanceof RetryableError) {
    return { type: "retry", size: 100, in: Math.max(1000, error.retryAfterMs ?? 1000) };
  }
  if (error instanceof ConfigurationError) return { type: "retry", size: 10, in: 60_000 };
  if (error instanceof BadRequestError || error instanceof SkipError)
    return { type: "next", size: 100, in: 1 };
  return { type: "retry", size: 10, in: 5000 };
}
