import getRawBody from "raw-body";
import type { Context } from "koa";
import { BadRequestError } from "../errors";
import { jsonDepth, JsonTooDeepError, parseJsonInSlices } from "./json-in-slices";

export { jsonDepth };

/** Nesting deeper than this is refused (400) before `JSON.parse` runs; no route needs more. */
export const MAX_JSON_DEPTH = 64;
/**
 * Bodies larger than this (bytes) are parsed in slices of it, the event loop free in between. 32 kB
 * of UTF-8 is at most a 64 kB string, below V8's 128 kB large objects (ADR 028).
 */
export const JSON_SLICE_BYTES = 32 * 1024;

/**
 * The request body as bytes; over `limit` (bytes, or "1mb"…) is a 413 and nothing else happens.
 * A declared Content-Length over the limit is refused before a byte is read (raw-body), and a
 * body that grows past it is cut off as soon as it does, so the size a caller costs is bounded.
 * Throws BadRequestError (413 too large, 400 unreadable).
 */
export async function readRawBody(ctx: Context, limit: string | number = "1mb"): Promise<Buffer> {
  try {
    // With the declared length, raw-body refuses an oversized body before reading any of it.
    return await getRawBody(ctx.req, { limit, length: ctx.get("content-length") || undefined });
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 413) throw new BadRequestError(`Request body is larger than ${limit}`, 413);
    throw new BadRequestError("Could not read the request body");
  }
}

/**
 * Parses a JSON body: empty is `undefined`, nesting deeper than `maxDepth` is a 400 before
 * parsing, invalid JSON is a 400.
 * Throws BadRequestError (400).
 */
export function parseJson(raw: Buffer, { maxDepth = MAX_JSON_DEPTH } = {}): unknown {
  if (raw.length === 0) return undefined;
  if (jsonDepth(raw, maxDepth) > maxDepth)
    throw new BadRequestError(`Request body is nested deeper than ${maxDepth} levels`);
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new BadRequestError("Request body is not valid JSON");
  }
}

/**
 * `parseJson` for a body of any size: up to JSON_SLICE_BYTES at once, larger ones in slices
 * (server/http/json-in-slices.ts), so parsing never holds the event loop for long. Same answers.
 * Throws BadRequestError (400).
 */
export async function parseJsonBody(
  raw: Buffer,
  { maxDepth = MAX_JSON_DEPTH } = {},
): Promise<unknown> {
  if (raw.length <= JSON_SLICE_BYTES) return parseJson(raw, { maxDepth });
  try {
    return await parseJsonInSlices(raw, { sliceBytes: JSON_SLICE_BYTES, maxDepth });
  } catch (error) {
    if (error instanceof JsonTooDeepError)
      throw new BadRequestError(`Request body is nested deeper than ${maxDepth} levels`);
    throw new BadRequestError("Request body is not valid JSON");
  }
}

/**
 * `readRawBody` then `parseJsonBody`. Throws BadRequestError: 413 over `limit`; 400 for a body
 * too deep, not JSON or unreadable.
 */
export async function readJsonBody(
  ctx: Context,
  limit: string | number = "1mb",
  { maxDepth = MAX_JSON_DEPTH } = {},
): Promise<unknown> {
  return parseJsonBody(await readRawBody(ctx, limit), { maxDepth });
}

/**
 * `readJsonBody` for the dashboard's own API, whose client always sends `Content-Type:
 * application/json` with a body: a body of any other type is refused with 415 before a byte is
 * read, so a mistyped call learns why instead of having text parsed as JSON. No body (or an
 * empty one) is let through, as `readJsonBody` reads it: `undefined`.
 * Routes Hull or Intercom call keep `readJsonBody`: hull-node's own notification middleware
 * forces the type for `/batch` (lib/utils/notif-middleware.js), so Hull's type is not relied on.
 * Throws BadRequestError: 415 for another type, then as `readJsonBody`.
 */
export async function readDashboardJson(
  ctx: Context,
  limit: string | number = "1mb",
): Promise<unknown> {
  // `is` answers null without a body and false for another type; fetch sends an empty POST with
  // `Content-Length: 0`, which `is` counts as a body, so that is let through as none.
  if (ctx.request.length !== 0 && ctx.request.is("json", "+json") === false)
    throw new BadRequestError(
      "Send the body as JSON (Content-Type: application/json); nothing was done.",
      415,
    );
  return readJsonBody(ctx, limit);
}
