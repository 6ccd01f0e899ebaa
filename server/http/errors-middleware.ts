import type { Middleware } from "koa";
import { ConnectorError } from "../errors";
import type { Logger } from "../log";
import { safeUrl } from "../log";

/** Turns thrown errors into clear answers: the message for 4xx and flagged errors, a generic one otherwise. */
export function handleErrors(logger: Logger): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } catch (error) {
      const known = error instanceof ConnectorError;
      const status = known ? error.status : 500;
      ctx.status = status;
      ctx.body = {
        error:
          known && error.expose
            ? error.message
            : "Something went wrong on our side; it has been logged.",
        ...(known && "details" in error && error.details !== undefined
          ? { details: error.details }
          : {}),
      };
      if (status >= 500) logger.error({ err: error, path: safeUrl(ctx.url) }, "request failed");
    } finally {
      if (ctx.path !== "/health") {
        logger.info(
          {
            method: ctx.method,
            path: safeUrl(ctx.url),
            status: ctx.status,
            ms: Math.round(performance.now() - started),
          },
          "request",
        );
      }
    }
  };
}
