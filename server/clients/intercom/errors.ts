import { ConfigurationError } from "../../errors";

/** Intercom refused the request for this record (4xx other than 401/429): log it, move on. */
export class IntercomApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly method: string,
    readonly path: string,
  ) {
    super(`Intercom answered ${status} ${code} to ${method} ${path}: ${message}`);
  }
}

/** The access token no longer works: the workspace must be connected again. */
export class TokenRevokedError extends ConfigurationError {
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
