import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createHullAuthenticator,
  credentialsFromQuery,
} from "../../../../server/clients/hull/authenticate";
import { RetryableError, UnauthorizedError } from "../../../../server/errors";
import { startFakeServer } from "../../../helpers/fake-server";

const ID = "5f0c1a2b3c4d5e6f7a8b9c0d";

describe("credentialsFromQuery(query)", () => {
  it("reads ship, organization and secret as Hull sends them", () => {
    expect(credentialsFromQuery({ ship: ID, organization: "a.hullapp.io", secret: "s" })).toEqual({
      id: ID,
      organization: "a.hullapp.io",
      secret: "s",
    });
  });

  it("accepts id= as newer Hull code does", () => {
    expect(credentialsFromQuery({ id: ID, organization: "a.hullapp.io", secret: "s" })?.id).toBe(
      ID,
    );
  });

  it("is undefined when any part is missing or repeated", () => {
    expect(credentialsFromQuery({ ship: ID, organization: "a.hullapp.io" })).toBeUndefined();
    expect(
      credentialsFromQuery({ ship: [ID, ID], organization: "a.hullapp.io", secret: "s" }),
    ).toBeUndefined();
  });
});

describe("createHullAuthenticator(allowedHosts).authenticate(credentials)", () => {
  let hull: Awaited<ReturnType<typeof startFakeServer>>;
  beforeAll(async () => {
    hull = await startFakeServer((request) => {
      if (request.headers["hull-access-token"] !== "right-secret")
        return { status: 401, body: { message: "Invalid credentials" } };
      if (request.path !== `/api/v1/${ID}`) return { status: 404, body: { message: "Not found" } };
      return { body: { id: ID, settings: {}, private_settings: { synchronized_segments: [] } } };
    });
  });
  afterAll(() => hull.close());

  it("returns the connector when Hull confirms the credentials, and asks Hull once", async () => {
    const auth = createHullAuthenticator([hull.host]);
    const credentials = { id: ID, organization: hull.host, secret: "right-secret" };
    const before = hull.requests.length;
    expect((await auth.authenticate(credentials)).id).toBe(ID);
    expect((await auth.authenticate(credentials)).id).toBe(ID);
    expect(hull.requests.length - before).toBe(1);
  });

  it("refuses a forged secret", async () => {
    const auth = createHullAuthenticator([hull.host]);
    await expect(
      auth.authenticate({ id: ID, organization: hull.host, secret: "forged" }),
    ).rejects.toThrow(UnauthorizedError);
  });

  it("refuses an unknown connector id", async () => {
    const auth = createHullAuthenticator([hull.host]);
    await expect(
      auth.authenticate({ id: "0".repeat(24), organization: hull.host, secret: "right-secret" }),
    ).rejects.toThrow("does not know this connector");
  });

  it("never calls an organization outside the allow-list", async () => {
    const auth = createHullAuthenticator(["*.hullapp.io"]);
    const before = hull.requests.length;
    await expect(
      auth.authenticate({ id: ID, organization: hull.host, secret: "right-secret" }),
    ).rejects.toThrow("not an allowed Hull host");
    await expect(
      auth.authenticate({ id: ID, organization: "evil.com/x", secret: "s" }),
    ).rejects.toThrow(UnauthorizedError);
    expect(hull.requests.length).toBe(before);
  });

  it("refuses ids that are not 24 hexadecimal characters before asking Hull", async () => {
    const auth = createHullAuthenticator([hull.host]);
    await expect(
      auth.authenticate({ id: "../app", organization: hull.host, secret: "right-secret" }),
    ).rejects.toThrow("24 hexadecimal");
  });
});

describe("createHullAuthenticator while Hull is unreachable", () => {
  let down = false;
  let hull: Awaited<ReturnType<typeof startFakeServer>>;
  beforeAll(async () => {
    hull = await startFakeServer((request) => {
      if (down) return { status: 503, body: { message: "Service unavailable" } };
      if (request.headers["hull-access-token"] !== "right-secret")
        return { status: 401, body: { message: "Invalid credentials" } };
      return { body: { id: ID, settings: {}, private_settings: { synchronized_segments: [] } } };
    });
  });
  afterAll(() => hull.close());

  it("keeps Hull's last answer for credentials it confirmed, past the cache's ttl", async () => {
    down = false;
    const auth = createHullAuthenticator([hull.host], 1);
    const credentials = { id: ID, organization: hull.host, secret: "right-secret" };
    expect((await auth.authenticate(credentials)).id).toBe(ID);
    // Past the 1 ms ttl, Hull is asked again; it is down, so its last answer stands.
    await new Promise((resolve) => setTimeout(resolve, 5));
    down = true;
    const before = hull.requests.length;
    expect((await auth.authenticate(credentials)).id).toBe(ID);
    expect(hull.requests.length).toBeGreaterThan(before);
  });

  it("never stands in for credentials Hull did not confirm", async () => {
    down = true;
    const auth = createHullAuthenticator([hull.host], 1);
    await expect(
      auth.authenticate({ id: ID, organization: hull.host, secret: "never-confirmed" }),
    ).rejects.toThrow(RetryableError);
  });

  it("does not stand in once Hull refuses the credentials", async () => {
    down = false;
    const auth = createHullAuthenticator([hull.host], 1);
    const credentials = { id: ID, organization: hull.host, secret: "right-secret" };
    await auth.authenticate(credentials);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(auth.authenticate({ ...credentials, secret: "forged" })).rejects.toThrow(
      UnauthorizedError,
    );
  });
});
