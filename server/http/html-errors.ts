import type { Context, Middleware } from "koa";
import { ConnectorError, statusOf } from "../errors";
import type { Logger } from "../log";
import { safeUrl } from "../log";
import { messagePage } from "./pages";

/** What a person reads when a page they navigated to cannot be shown. Pure. */
export function describePageError(error: unknown): {
  status: number;
  title: string;
  message: string;
} {
  const status = statusOf(error);
  const reason = error instanceof ConnectorError && error.expose ? ` (${error.message})` : "";
  if (status === 401 || status === 403 || status === 404) {
    return {
      status,
      title: "This dashboard link no longer works",
      message:
        `The link has expired, or it names a connector or secret Hull does not recognise${reason}. ` +
        "Open the dashboard again from Hull: your organization → Connectors → Intercom. " +
        "Links to the dashboard are made by Hull each time and stop working after a while, so a bookmarked or copied link does not last.",
    };
  }
  // By code, not status: a disabled organization is a ConfigurationError (503) like others.
  if (error instanceof ConnectorError && error.code === "organization-disabled") {
    return {
      status,
      title: "This Hull organization is disabled",
      message:
        "Hull reports the organization as disabled. Ask your Hull administrator, then open the dashboard again from Hull.",
    };
  }
  if (status === 503 || status === 502 || status === 504) {
    return {
      status,
      title: "Hull cannot be reached right now",
      message: `The connector could not confirm this link with Hull${reason}. Reload the page in a minute.`,
    };
  }
  return {
    status,
    title: "The dashboard could not be opened",
    message: `Something went wrong on the connector's side${reason}; it has been logged. Reload the page, or open the dashboard again from Hull.`,
  };
}

/**
 * For pages a browser navigates to (`/admin`, `/auth`): an error becomes an HTML page saying what
 * to do, when the request prefers HTML (Accept: text/html, as a navigation sends). Other callers
 * (the JSON API, scripts asking `*\/*`) get the error as it is thrown, so they keep JSON errors.
 */
export function htmlErrorPages(logger: Logger): Middleware {
  return async (ctx: Context, next) => {
    try {
      await next();
    } catch (error) {
      if (ctx.accepts("json", "html") !== "html") throw error;
      const page = describePageError(error);
      if (page.status >= 500) logger.error({ err: error, path: safeUrl(ctx.url) }, "page failed");
      ctx.status = page.status;
      ctx.type = "html";
      ctx.set("cache-control", "no-store");
      ctx.body = messagePage({ title: page.title, message: page.message, tone: "error" });
    }
  };
}
