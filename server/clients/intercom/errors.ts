import { ConfigurationError, RetryableError, UpstreamRefusedError } from "../../errors";

/**
 * Intercom refused the request for this record (4xx other than 401/429): log it, move on. Its
 * `upstreamStatus` and `intercomCode` are Intercom's; `status` is our own answer (502), so a
 * refusal by Intercom never reaches our caller as a 4xx of theirs.
 */
export class IntercomApiError extends UpstreamRefusedError {
  constructor(
    upstreamStatus: number,
    /** Intercom's error code (`errors[0].code` of its error.list), "unknown" when absent. */
    readonly intercomCode: string,
    /** Intercom's own message, as it sent it. */
    readonly intercomMessage: string,
    readonly method: string,
    readonly path: string,
  ) {
    super(
      "intercom",
      upstreamStatus,
      `Intercom answered ${upstreamStatus} ${intercomCode} to ${method} ${path}: ${intercomMessage}`,
    );
  }

  /**
   * Whether Intercom refused because the thing exists already (a data attribute: "You already
   * have a … attribute"; a contact: 409 "… already exists with id=…", intercom-api.md §2.4).
   * Intercom gives these no distinct code, so its wording is read here, once, at the boundary.
   */
  get alreadyExists(): boolean {
    return this.upstreamStatus === 409 || /\balready (have|exists)\b/i.test(this.intercomMessage);
  }

  /**
   * The contact a 409 names: "A contact matching those details already exists with id=…", or
   * "An archived contact matching those details already exists with id=…" (intercom-api.md §2.4).
   * Intercom gives the id and the archived state only in its wording, read here, at the boundary.
   * Undefined for another error, or a 409 that names no id.
   */
  get conflictingContact(): { id: string; archived: boolean } | undefined {
    if (this.upstreamStatus !== 409) return undefined;
    const id = /id=([0-9a-zA-Z]+)/.exec(this.intercomMessage)?.[1];
    if (!id) return undefined;
    return { id, archived: /\ban archived contact\b/i.test(this.intercomMessage) };
  }
}

/**
 * Intercom failed the request rather than refused it: a 5xx or 408 (`upstreamStatus`), or no
 * answer at all (unreachable, timed out: `upstreamStatus` undefined). Still a RetryableError, so
 * a job waits and tries again; a caller for whom "try the same request again" is wrong (the company
 * scroll, whose 500 means "restart your scroll query", official description
 * GET /companies/scroll) tells it apart by this class.
 */
export class IntercomUnavailableError extends RetryableError {
  constructor(
    message: string,
    /** Intercom's status (5xx, 408), or undefined when it did not answer. */
    readonly upstreamStatus: number | undefined,
    retryAfterMs?: number,
  ) {
    super(message, retryAfterMs);
  }
}

/** The access token no longer works: the workspace must be connected again. */
export class TokenRevokedError extends ConfigurationError {
  override readonly code = "token-revoked";
  constructor() {
    super("Intercom refused the access token. Reconnect Intercom from the connector's dashboard.");
  }
}

/** Reads Intercom's error.list body into a code and a message. */
export function describeError(body: unknown): { code: string; message: string } {
  const first = (body as { errors?: { code?: unknown; message?: unknown }[] } | undefined)
    ?.errors?.[0];
  return {
    code: typeof first?.code === "string" ? first.code : "unknown",
    message:
      typeof first?.message === "string"
        ? first.message
        : typeof body === "string"
          ? body.slice(0, 200)
          : "",
  };
}
