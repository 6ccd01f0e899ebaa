import type { Context, Next } from "koa";
import { readJsonBody, readRawBody } from "../../shared/body.js";

/** Reads JSON (or, for OAuth token requests, form-encoded) bodies into ctx.state.body. */
export async function parseBody(ctx: Context, next: Next): Promise<void> {
  if (ctx.method === "POST" || ctx.method === "PUT" || ctx.method === "DELETE") {
    if (ctx.is("application/x-www-form-urlencoded")) {
      const raw = await readRawBody(ctx, "1mb");
      ctx.state.body = Object.fromEntries(new URLSearchParams(raw.toString("utf8")));
    } else {
      ctx.state.body = await readJsonBody(ctx, "5mb");
    }
  }
  await next();
}
