import jwt from "jsonwebtoken";
import { describe, expect, it } from "vitest";
import { createTokenIssuer } from "../../../../server/clients/hull/tokens";
import { UnauthorizedError } from "../../../../server/errors";

const credentials = {
  id: "5f0c1a2b3c4d5e6f7a8b9c0d",
  organization: "acme.hullapp.io",
  secret: "connector-secret-value",
};
const issuer = createTokenIssuer("a-long-enough-connector-secret");

describe("createTokenIssuer(secret)", () => {
  it("reads back the credentials it minted", () => {
    const token = issuer.mint(credentials, "dashboard");
    expect(issuer.read(token, "dashboard")).toEqual(credentials);
  });

  it("never shows the connector secret in the token a browser carries", () => {
    const token = issuer.mint(credentials, "dashboard");
    const decoded = JSON.stringify(jwt.decode(token));
    expect(decoded).not.toContain(credentials.secret);
    expect(Buffer.from(token.split(".")[1]!, "base64url").toString()).not.toContain(
      credentials.secret,
    );
  });

  it("refuses a token minted with another SECRET", () => {
    const forged = createTokenIssuer("another-secret-of-some-length").mint(
      credentials,
      "dashboard",
    );
    expect(() => issuer.read(forged, "dashboard")).toThrow(UnauthorizedError);
  });

  it("refuses a token minted for another purpose", () => {
    const state = issuer.mint(credentials, "oauth-state");
    expect(() => issuer.read(state, "dashboard")).toThrow("Invalid token");
  });

  it("refuses a tampered payload", () => {
    const [header, , signature] = issuer.mint(credentials, "dashboard").split(".");
    const payload = Buffer.from(
      JSON.stringify({ org: "evil.hullapp.io", sub: credentials.id, aud: "dashboard" }),
    ).toString("base64url");
    expect(() => issuer.read(`${header}.${payload}.${signature}`, "dashboard")).toThrow(
      UnauthorizedError,
    );
  });

  it("says an expired token has expired", () => {
    const expired = jwt.sign(
      { org: "x", sub: "y", sealed: "z", exp: Math.floor(Date.now() / 1000) - 10 },
      "whatever",
    );
    expect(() => issuer.read(expired, "dashboard")).toThrow(UnauthorizedError);
  });

  it("refuses a missing token and the unsigned 'none' algorithm", () => {
    expect(() => issuer.read(undefined, "dashboard")).toThrow("Missing token");
    const unsigned = jwt.sign(
      { org: credentials.organization, sub: credentials.id, sealed: "x", aud: "dashboard" },
      "",
      { algorithm: "none" },
    );
    expect(() => issuer.read(unsigned, "dashboard")).toThrow(UnauthorizedError);
  });

  it("binds a token to a nonce: the right one reads it, a wrong or missing one does not", () => {
    const state = issuer.mint(credentials, "oauth-state", "browser-nonce");
    expect(issuer.read(state, "oauth-state", "browser-nonce")).toEqual(credentials);
    expect(() => issuer.read(state, "oauth-state", "other-nonce")).toThrow("Invalid token");
    expect(() => issuer.read(state, "oauth-state", "")).toThrow("Invalid token");
    expect(() => issuer.read(issuer.mint(credentials, "oauth-state"), "oauth-state", "")).toThrow(
      "Invalid token",
    );
  });
});
