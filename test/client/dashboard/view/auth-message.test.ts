import { describe, expect, it } from "vitest";
import { authTarget, parseAuthMessage } from "../../../../client/dashboard/view/auth-message";

const origin = "https://connector.example";

describe("parseAuthMessage(data, origin, expectedOrigin)", () => {
  it("accepts the popup's connected and failed messages from the connector's origin", () => {
    expect(
      parseAuthMessage(
        { source: "hull-intercom", type: "connected", message: "Hi" },
        origin,
        origin,
      ),
    ).toEqual({ type: "connected", message: "Hi" });
    expect(parseAuthMessage({ source: "hull-intercom", type: "failed" }, origin, origin)).toEqual({
      type: "failed",
      message: "",
    });
  });

  it("ignores messages from another origin", () => {
    expect(
      parseAuthMessage(
        { source: "hull-intercom", type: "connected" },
        "https://evil.example",
        origin,
      ),
    ).toBeUndefined();
  });

  it.each([
    null,
    "connected",
    { source: "other", type: "connected" },
    { source: "hull-intercom", type: "hello" },
  ])("ignores %j", (data) => {
    expect(parseAuthMessage(data, origin, origin)).toBeUndefined();
  });
});

describe("authTarget(apiBase, token, pageUrl)", () => {
  it("resolves an empty API base against the page and encodes the token", () => {
    expect(authTarget("", "a b&c", "https://connector.example/admin?x=1")).toEqual({
      url: "https://connector.example/auth?token=a%20b%26c",
      origin: "https://connector.example",
    });
  });

  it("uses an absolute API base's origin", () => {
    expect(authTarget("https://api.example/base", "t", "https://hull.example/")).toEqual({
      url: "https://api.example/base/auth?token=t",
      origin: "https://api.example",
    });
  });
});
