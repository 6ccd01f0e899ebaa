import { describe, expect, it } from "vitest";
import { identityKey, mapUserToIdentity } from "../../../client/mapping/user-to-identity";

describe("mapUserToIdentity(user, services)", () => {
  it("uses Hull's external_id as Intercom's user_id, never Hull's own id", () => {
    expect(
      mapUserToIdentity({
        id: "5f0000000000000000000001",
        external_id: "cust-42",
        email: "ada@example.com",
        name: "Ada",
      }),
    ).toEqual({ user_id: "cust-42", email: "ada@example.com", name: "Ada" });
  });

  it("identifies by email alone when the user has no external_id", () => {
    expect(mapUserToIdentity({ id: "x", email: "ada@example.com", name: null })).toEqual({
      email: "ada@example.com",
    });
  });

  it.each([null, false, undefined, { id: "x" }, { id: "x", email: "", external_id: null }])(
    "treats %j as an anonymous visitor",
    (user) => {
      expect(mapUserToIdentity(user)).toBeNull();
    },
  );

  it("passes a user_hash or intercom_user_jwt from Hull's config", () => {
    const user = { email: "ada@example.com" };
    expect(
      mapUserToIdentity(user, { analytics: { intercom: { credentials: { user_hash: "abc" } } } }),
    ).toEqual({ email: "ada@example.com", user_hash: "abc" });
    expect(
      mapUserToIdentity(user, { intercom: { credentials: { intercom_user_jwt: "e.y.j" } } }),
    ).toEqual({ email: "ada@example.com", intercom_user_jwt: "e.y.j" });
    expect(mapUserToIdentity(user, { intercom: "nope" })).toEqual({ email: "ada@example.com" });
  });
});

describe("identityKey(identity)", () => {
  it("names the person by user_id first, so an email change is the same person", () => {
    expect(identityKey({ user_id: "c1", email: "a@x.io" })).toBe(
      identityKey({ user_id: "c1", email: "b@x.io" }),
    );
    expect(identityKey({ email: "a@x.io" })).not.toBe(identityKey({ email: "b@x.io" }));
    expect(identityKey(null)).toBe("anonymous");
  });
});
