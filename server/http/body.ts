import getRawBody from "raw-body";
import type { Context } from "koa";
import { BadRequestError } from "../errors";

/** Nesting deeper than this is refused (400) before `JSON.parse` runs; no route needs more. */
export const MAX_JSON_DEPTH = 64;

/**
 * The request body as bytes; over `limit` (bytes, or "1mb"…) is a 413 and nothing else happens.
 * A declared Content-Length over the limit is refused before a byte is read (raw-body), and a
 * body that grows past it is cut off as soon as it does, so the size a caller costs is bounded.
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

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The deepest nesting of objects and arrays in JSON text, counted in one pass over the bytes and
 * stopping as soon as it passes `stopAbove` (brackets inside strings do not count). Linear and
 * allocation-free, so a deep body costs a scan up to `stopAbove` levels, never a parse.
 */
export function jsonDepth(raw: Uint8Array, stopAbove = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < raw.length; index++) {
    const byte = raw[index];
    if (inString) {
      if (byte === BACKSLASH) index++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > stopAbove) return deepest;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) depth--;
  }
  return deepest;
}

/**
 * Parses a JSON body: empty is `undefined`, nesting deeper than `maxDepth` is a 400 before
 * parsing, invalid JSON is a 400.
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

/** `readRawBody` then `parseJson`: 413 over `limit`, 400 too deep or not JSON. */
export async function readJsonBody(
  ctx: Context,
  limit: string | number = "1mb",
  { maxDepth = MAX_JSON_DEPTH } = {},
): Promise<unknown> {
  return parseJson(await readRawBody(ctx, limit), { maxDepth });
}
