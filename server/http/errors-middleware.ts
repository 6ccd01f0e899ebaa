import type { Middleware } from "koa";
import { ConnectorError, logLevelFor, statusOf } from "../errors";
import type { Logger } from "../log";
import { safeUrl } from "../log";

/**
 * The one place a thrown error becomes an HTTP answer (docs/error-handling.md): the error's status,
 * `{error: message}` for the connector's own kinds (and `details` when a caller's request had
 * field problems), a generic message for anything else. Bugs (not a ConnectorError) are logged at
 * error level; an upstream refusing or failing us and configuration problems at warn. Every
 * request gets a `request` line at info (debug for a routine success, `ctx.state.routine`),
 * except `/health`.
 */
export function handleErrors(logger: Logger): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } catch (error) {
      const known = error instanceof ConnectorError;
      const status = statusOf(error);
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
      if (!known) logger.error({ err: error, path: safeUrl(ctx.url) }, "request failed");
      else if (status >= 500)
        // Redis away: said once per outage by the keys connection (docs/adr/029), not per request.
        logger[logLevelFor(error)](
          { err: error, path: safeUrl(ctx.url), code: error.code },
          "request failed",
        );
    } finally {
      // A route whose successful answers are routine (`ctx.state.routine`: Intercom's webhooks, one
      // per notification) logs them at debug, as its own line does; its failures stay at info.
      const level = ctx.state.routine === true && ctx.status < 400 ? "debug" : "info";
      // The line's fields (a URL parsed for secrets) are built only when the line is written:
      // under a webhook burst at a quieter level they were built and dropped once per request.
      if (ctx.path !== "/health" && logger.isLevelEnabled(level)) {
        logger[level](
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
