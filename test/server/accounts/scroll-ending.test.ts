import { describe, expect, it } from "vitest";
import { scrollEnding } from "../../../server/accounts/incoming/scroll-ending";
import {
  IntercomApiError,
  IntercomUnavailableError,
  TokenRevokedError,
} from "../../../server/clients/intercom/errors";
import { RetryableError } from "../../../server/errors";

const refused = (status: number, code: string, message = "") =>
  new IntercomApiError(status, code, message, "GET", "/companies/scroll");

// Official description, GET /companies/scroll (contract/intercom-openapi-2.14.yaml ~l.3972-3985).
describe("scrollEnding(error, hadParam)", () => {
  it.each([
    ["a 500 on a page", new IntercomUnavailableError("500", 500), true, "failed"],
    [
      "no answer for the first page",
      new IntercomUnavailableError("down", undefined),
      false,
      "failed",
    ],
    ["400 scroll_exists", refused(400, "scroll_exists"), false, "busy"],
    [
      "another code saying a scroll exists",
      refused(400, "x", "scroll already exists for this app"),
      false,
      "busy",
    ],
    ["404 for a param", refused(404, "not_found"), true, "expired"],
    ["another 4xx for a param", refused(400, "parameter_invalid"), true, "expired"],
  ] as const)("%s → %s", (_what, error, hadParam, ending) => {
    expect(scrollEnding(error, hadParam)).toBe(ending);
  });

  it.each([
    ["a 403 for the first page", refused(403, "forbidden"), false],
    ["a revoked token", new TokenRevokedError(), true],
    ["a rate limit after the retries", new RetryableError("rate limit"), true],
    ["a bug", new TypeError("x is undefined"), true],
  ] as const)("%s → undefined (the caller throws it)", (_what, error, hadParam) => {
    expect(scrollEnding(error, hadParam)).toBeUndefined();
  });
});
