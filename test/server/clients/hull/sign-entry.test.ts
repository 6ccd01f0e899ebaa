// Firehose tokens are signed with node:crypto directly (bench profile: jsonwebtoken's per-call
// checks were most of the cost of a fetched contact); they must read the same to jsonwebtoken and
// to jwt-simple, the library Hull's own client signs and reads tokens with.
import jwt from "jsonwebtoken";
import { describe, expect, it } from "vitest";
import { firehoseToken, signEntry } from "../../../../server/clients/hull/sign-entry";
import { jwtSimple } from "../../../conformance/hull/hull-packages";

const credentials = {
  id: "5f0c1a2b3c4d5e6f7a8b9c0d",
  organization: "a.hullapp.io",
  secret: "s3cret",
};
const at = Date.parse("2026-11-30T12:00:00.000Z");

describe("firehoseToken(credentials, claims, create, now)", () => {
  it("is an HS256 token jsonwebtoken and hull-client's jwt-simple both verify, with lookupToken's claims", () => {
    const token = firehoseToken(credentials, { id: "5f0000000000000000000001" }, true, at);
    const expected = {
      iss: credentials.id,
      iat: at / 1000,
      sub: "5f0000000000000000000001",
      "io.hull.asUser": { id: "5f0000000000000000000001" },
      "io.hull.subjectType": "user",
    };
    expect(jwt.verify(token, credentials.secret, { algorithms: ["HS256"] })).toEqual(expected);
    expect(jwtSimple.decode(token, credentials.secret, false, "HS256")).toEqual(expected);
    expect(JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString())).toEqual({
      alg: "HS256",
      typ: "JWT",
    });
    expect(() => jwt.verify(token, "another secret")).toThrow(/invalid signature/);
  });

  it("reuses the token of the same connector and claims for a minute, then signs anew", () => {
    const claims = { email: "reuse@example.com" };
    const first = firehoseToken(credentials, claims, true, at + 1_000);
    expect(firehoseToken(credentials, { email: "reuse@example.com" }, true, at + 59_000)).toBe(
      first,
    );
    const later = firehoseToken(credentials, claims, true, at + 62_000);
    expect(later).not.toBe(first);
    expect((jwt.decode(later) as { iat: number }).iat).toBe((at + 62_000) / 1000);
  });

  it("neither keeps nor reuses a token when told its people come once (a fetch)", () => {
    const claims = { email: "once@example.com" };
    const unkept = firehoseToken(credentials, claims, true, at + 1_000, undefined, false);
    // Not kept: a kept signing a second later signs anew rather than reusing it…
    const kept = firehoseToken(credentials, claims, true, at + 2_000);
    expect(kept).not.toBe(unkept);
    expect((jwt.decode(kept) as { iat: number }).iat).toBe((at + 2_000) / 1000);
    // …and not reused: a kept token is there, yet an unkept signing makes its own.
    const fresh = firehoseToken(credentials, claims, true, at + 3_000, undefined, false);
    expect((jwt.decode(fresh) as { iat: number }).iat).toBe((at + 3_000) / 1000);
    expect(jwt.verify(fresh, credentials.secret)).toMatchObject({ "io.hull.asUser": claims });
  });

  it("gives another user, another connector or a no-create write a token of its own", () => {
    const base = firehoseToken(credentials, { email: "a@example.com" }, true, at);
    const other = firehoseToken(credentials, { email: "b@example.com" }, true, at);
    const otherConnector = firehoseToken(
      { ...credentials, id: "5f0c1a2b3c4d5e6f7a8b9c0e", secret: "other" },
      { email: "a@example.com" },
      true,
      at,
    );
    const noCreate = firehoseToken(credentials, { email: "a@example.com" }, false, at);
    expect(new Set([base, other, otherConnector, noCreate]).size).toBe(4);
    expect(jwt.decode(noCreate)).toMatchObject({ "io.hull.create": false });
    expect(jwt.decode(otherConnector)).toMatchObject({ iss: "5f0c1a2b3c4d5e6f7a8b9c0e" });
    expect(jwt.verify(otherConnector, "other")).toMatchObject({
      "io.hull.asUser": { email: "a@example.com" },
    });
  });
});

describe("signEntry(credentials, entry, now)", () => {
  it("gives the entry its token, its timestamp and Hull's nulls on a track body", () => {
    const signed = signEntry(
      credentials,
      {
        type: "track",
        claims: { anonymous_id: "intercom:c1", email: " " },
        body: {
          event: "x",
          properties: {},
          event_id: "e1",
          created_at: "2026-11-30T00:00:00Z",
          source: "intercom",
        },
      },
      new Date(at),
    );
    expect(signed).toMatchObject({
      type: "track",
      timestamp: "2026-11-30T12:00:00.000Z",
      body: { ip: null, url: null, referer: null, event: "x", event_id: "e1" },
    });
    // Blank claims are dropped before signing (hull-entry-rules.ts).
    expect(jwt.verify(signed.headers["Hull-Access-Token"], credentials.secret)).toMatchObject({
      "io.hull.asUser": { anonymous_id: "intercom:c1" },
    });
  });
});
