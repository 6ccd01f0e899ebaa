import getRawBody from "raw-body";
import type { Context } from "koa";
import { BadRequestError } from "../errors";

/** The request body as bytes; over `limit` is a 413 and nothing else happens. */
export async function readRawBody(ctx: Context, limit = "1mb"): Promise<Buffer> {
  try {
    return await getRawBody(ctx.req, { limit });
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 413) throw new BadRequestError(`Request body is larger than ${limit}`, 413);
    throw new BadRequestError("Could not read the request body");
  }
}

export function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new BadRequestError("Request body is not valid JSON");
  }
}

export async function readJsonBody(ctx: Context, limit = "1mb"): Promise<unknown> {
  return parseJson(await readRawBody(ctx, limit));
}
