// What a log line keeps and what it hides: secrets and OAuth codes never, error codes always.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, safeUrl } from "../../../server/log";

function logged(write: (logger: ReturnType<typeof createLogger>) => void): string {
  let text = "";
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  write(createLogger("info", sink));
  return text;
}

describe("log redaction", () => {
  it("keeps an error's code, in the error and beside it", () => {
    const error = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6390"), {
      code: "ECONNREFUSED",
    });
    const line = JSON.parse(
      logged((logger) => logger.warn({ err: error, code: "redis-unavailable" }, "request failed")),
    );
    expect(line.err.code).toBe("ECONNREFUSED");
    expect(line.code).toBe("redis-unavailable");
  });

  it("hides an OAuth code in a query, a form and a URL, and the secrets wherever they are", () => {
    const text = logged((logger) =>
      logger.info(
        {
          query: { code: "oauth-code-1", state: "state-1" },
          request: { form: { code: "oauth-code-2", client_secret: "client-secret-1" } },
          connector: { secret: "hull-secret-1" },
          url: safeUrl("/auth/callback?code=oauth-code-3&state=state-2&ok=1"),
        },
        "callback",
      ),
    );
    for (const secret of [
      "oauth-code-1",
      "oauth-code-2",
      "oauth-code-3",
      "state-1",
      "state-2",
      "client-secret-1",
      "hull-secret-1",
    ])
      expect(text).not.toContain(secret);
    expect(text).toContain("ok=1");
  });
});
