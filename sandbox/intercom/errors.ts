import { randomUUID } from "node:crypto";

/** Intercom's error body, `error.list` (intercom-api.md §2.1). */
export interface ErrorList {
  type: "error.list";
  request_id: string;
  errors: Array<{ code: string; message: string; field?: string }>;
}

/** A failure the routes throw; the error middleware turns it into Intercom's error.list shape. */
export class IntercomError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorList(code: string, message: string, requestId = randomUUID()): ErrorList {
  return { type: "error.list", request_id: requestId, errors: [{ code, message }] };
}

export const notFound = (what: "User" | "Resource" = "Resource") =>
  new IntercomError(404, "not_found", `${what} Not Found`);

export const parameterInvalid = (message: string) =>
  new IntercomError(400, "parameter_invalid", message);

export const parameterMissing = (message: string) =>
  new IntercomError(400, "parameter_not_found", message);

export const unauthorized = () => new IntercomError(401, "unauthorized", "Access Token Invalid");
