import type { Context, Next } from "koa";
import { BodyError, readJsonBody } from "../shared/body.js";
import { HullApiError, isRecord } from "./errors.js";

/** Answers every refused input as Hull does: the status and `{message}`. */
export async function hullErrors(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
  } catch (error) {
    if (error instanceof HullApiError || error instanceof BodyError) {
      ctx.status = error.status;
      ctx.body = { message: error.message };
      return;
    }
    ctx.status = 500;
    ctx.body = { message: "Internal error in the Hull sandbox" };
    ctx.app.emit("error", error, ctx);
  }
}

/** Reads a JSON object body (empty = `{}`), or throws a 400. */
export async function readObjectBody(ctx: Context): Promise<Record<string, unknown>> {
  const body = await readJsonBody(ctx);
  if (body === undefined) return {};
  if (!isRecord(body)) throw new HullApiError(400, "Request body must be a JSON object");
  return body;
}
