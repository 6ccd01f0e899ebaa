import getRawBody from "raw-body";
import type { Context } from "koa";

export class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads the request body as bytes, refusing bodies over `limit` with a 413. */
export async function readRawBody(ctx: Context, limit = "5mb"): Promise<Buffer> {
  try {
    return await getRawBody(ctx.req, { limit });
  } catch (error) {
    const status = (error as { status?: number }).status ?? 400;
    throw new BodyError(
      status,
      status === 413 ? "Request body too large" : "Unreadable request body",
    );
  }
}

/** Reads and parses a JSON body; an empty body is `undefined`. */
export async function readJsonBody(ctx: Context, limit = "5mb"): Promise<unknown> {
  const raw = await readRawBody(ctx, limit);
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new BodyError(400, "Request body is not valid JSON");
  }
}
