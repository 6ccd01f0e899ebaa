import type { Context, Next } from "koa";
import { BodyError } from "../../shared/body.js";
import { errorList, IntercomError } from "../errors.js";

/** Turns every failure into Intercom's error.list body (intercom-api.md §2.1); 500s stay vague. */
export async function handleErrors(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
  } catch (error) {
    if (error instanceof IntercomError) {
      ctx.set(error.headers);
      ctx.status = error.status;
      ctx.body = errorList(error.code, error.message);
    } else if (error instanceof BodyError) {
      ctx.status = error.status;
      ctx.body = errorList(
        error.status === 413 ? "parameter_invalid" : "parameter_invalid",
        error.message,
      );
    } else {
      ctx.status = 500;
      ctx.body = errorList("server_error", "Internal server error");
      ctx.app.emit("error", error, ctx);
    }
  }
}
