import { IntercomApiError, IntercomUnavailableError } from "../../clients/intercom/errors";

/**
 * Why Intercom ended a company scroll, when a failed page means the scroll must start again:
 * - `busy`: another scroll of the workspace is open ("Each app can only have 1 scroll open at a
 *   time. You'll get an error message…"); it expires within a minute of its last use;
 * - `expired`: the parameter no longer works ("If the scroll isn't used for 1 minute, it expires
 *   and calls with that scroll param will fail");
 * - `failed`: Intercom failed the page (a 5xx, a 408, no answer): "you will need to restart your
 *   scroll query: It is not possible to continue from a specific point".
 * Quotes: official description, GET /companies/scroll (contract/intercom-openapi-2.14.yaml
 * ~l.3972-3985).
 */
export type ScrollEnding = "busy" | "expired" | "failed";

/**
 * How long (ms) to wait before starting the scroll again after each ending. `busy` waits for the
 * open scroll to lapse (a minute at most, so a few waits); `failed` gives Intercom a moment, and
 * the restart may then meet our own failed scroll as `busy` until it lapses; `expired` can restart
 * at once.
 */
export const RESTART_WAIT_MS: Record<ScrollEnding, number> = {
  busy: 15_000,
  failed: 5_000,
  expired: 0,
};

/**
 * Pure: what `error`, thrown by one `GET /companies/scroll` (with a `scroll_param` when
 * `hadParam`), says about the scroll, or undefined when it says nothing about it (a revoked token,
 * a rate limit, a refusal a restart would meet again): that error is the caller's to throw.
 * - IntercomUnavailableError (5xx, 408, unreachable) → `failed`;
 * - with a parameter, any other refusal of Intercom (IntercomApiError: a 4xx other than 401 and
 *   429) → `expired`: the description says only that such calls "will fail", not how (the
 *   stand-in answers 404 `not_found`, Airbyte#9339; docs/adr/019);
 * - without one, a 400 `scroll_exists` or a message saying a scroll exists → `busy` (the code is
 *   Airbyte's, the message intercom-ruby#292's; the description names neither).
 */
export function scrollEnding(error: unknown, hadParam: boolean): ScrollEnding | undefined {
  if (error instanceof IntercomUnavailableError) return "failed";
  if (!(error instanceof IntercomApiError)) return undefined;
  if (
    error.intercomCode === "scroll_exists" ||
    /scroll[^.]*\bexists?\b/i.test(error.intercomMessage)
  )
    return "busy";
  if (hadParam) return "expired";
  return undefined;
}
