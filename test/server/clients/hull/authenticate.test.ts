import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createHullAuthenticator,
  credentialsFromQuery,
  type KeptConfirmations,
} from "../../../../server/clients/hull/authenticate";
import { sha256 } from "../../../../server/crypto";
import { createFileConfirmedConnectors } from "../../../../server/durable/confirmed-connectors";
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

// ADR 031: Hull's last answer is kept across restarts, so a process started during a Hull outage
// still takes webhooks into the outbox instead of answering 503.
describe("createHullAuthenticator with kept confirmations", () => {
  let down = false;
  let hull: Awaited<ReturnType<typeof startFakeServer>>;
  let dir: string;
  const settings = { private_settings: { access_token: "intercom-token" }, settings: {} };
  beforeAll(async () => {
    hull = await startFakeServer((request) => {
      if (down) return { status: 503, body: { message: "Service unavailable" } };
      if (request.headers["hull-access-token"] !== "right-secret")
        return { status: 401, body: { message: "Invalid credentials" } };
      return { body: { id: ID, name: "Intercom", ...settings, manifest: { big: "x" } } };
    });
  });
  afterAll(() => hull.close());
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "confirmed-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const credentials = () => ({ id: ID, organization: hull.host, secret: "right-secret" });
  const keptIn = (now = () => Date.now(), errors: unknown[] = []): KeptConfirmations => ({
    store: createFileConfirmedConnectors(dir, "a-long-enough-secret"),
    onError: (error: unknown) => errors.push(error),
    now,
  });
  const newProcess = (kept: KeptConfirmations) =>
    createHullAuthenticator([hull.host], undefined, undefined, undefined, kept);

  it("answers a process started while Hull is down with the answer an earlier one kept", async () => {
    down = false;
    const before = newProcess(keptIn());
    await before.authenticate(credentials());
    // Kept in the background: wait until the file holds it.
    await expect
      .poll(() =>
        createFileConfirmedConnectors(dir, "a-long-enough-secret").get(sha(credentials())),
      )
      .toBeDefined();

    down = true;
    const after = newProcess(keptIn());
    expect(await after.authenticate(credentials())).toEqual({
      id: ID,
      name: "Intercom",
      ...settings,
    });
    const onDisk = await readFile(join(dir, "confirmed-connectors.json"), "utf8");
    expect(onDisk).not.toContain("intercom-token");
    expect(onDisk).not.toContain("right-secret");
  });

  it("never answers from the store for credentials Hull did not confirm, nor once Hull refuses", async () => {
    down = false;
    await newProcess(keptIn()).authenticate(credentials());
    await expect
      .poll(() =>
        createFileConfirmedConnectors(dir, "a-long-enough-secret").get(sha(credentials())),
      )
      .toBeDefined();

    down = true;
    await expect(
      newProcess(keptIn()).authenticate({ ...credentials(), secret: "never-confirmed" }),
    ).rejects.toThrow(RetryableError);
    down = false;
    await expect(
      newProcess(keptIn()).authenticate({ ...credentials(), secret: "forged" }),
    ).rejects.toThrow(UnauthorizedError);
  });

  it("does not answer from a kept confirmation older than maxAgeMs", async () => {
    down = false;
    let now = 1_000_000;
    await newProcess({ ...keptIn(() => now), maxAgeMs: 60_000 }).authenticate(credentials());
    await expect
      .poll(() =>
        createFileConfirmedConnectors(dir, "a-long-enough-secret").get(sha(credentials())),
      )
      .toBeDefined();

    down = true;
    now += 60_001;
    await expect(
      newProcess({ ...keptIn(() => now), maxAgeMs: 60_000 }).authenticate(credentials()),
    ).rejects.toThrow(RetryableError);
    now -= 2;
    expect(
      (await newProcess({ ...keptIn(() => now), maxAgeMs: 60_000 }).authenticate(credentials())).id,
    ).toBe(ID);
  });

  it("does not answer with settings forgotten since (a settings change) while Hull fails", async () => {
    // forget() is told after every settings write (ship:update, the settings writer): the answer
    // Hull gave before must not stand in for the new one. Before the kept store, a Hull failure
    // right after a forget was a RetryableError; the store must not bring the old answer back.
    down = false;
    const auth = newProcess(keptIn());
    await auth.authenticate(credentials());
    await expect
      .poll(() =>
        createFileConfirmedConnectors(dir, "a-long-enough-secret").get(sha(credentials())),
      )
      .toBeDefined();

    auth.forget(credentials());
    down = true;
    await expect(auth.authenticate(credentials())).rejects.toThrow(RetryableError);
    down = false;
    expect((await auth.authenticate(credentials())).id).toBe(ID);
    // Confirmed again: the store stands in again.
    const fresh = newProcess(keptIn());
    down = true;
    expect((await fresh.authenticate(credentials())).id).toBe(ID);
  });

  it("goes on without a store that fails, and says so", async () => {
    down = false;
    const errors: unknown[] = [];
    const failing = {
      store: {
        get: async () => {
          throw new Error("disk gone");
        },
        set: async () => {
          throw new Error("disk gone");
        },
      },
      onError: (error: unknown) => errors.push(error),
    };
    const auth = createHullAuthenticator([hull.host], 1, undefined, undefined, failing);
    expect((await auth.authenticate(credentials())).id).toBe(ID);
    await expect.poll(() => errors.length).toBeGreaterThan(0);
    down = true;
    await expect(
      createHullAuthenticator([hull.host], 1, undefined, undefined, failing).authenticate(
        credentials(),
      ),
    ).rejects.toThrow(RetryableError);
  });
});

/** The authenticator's key for credentials: sha256 of organization, id and secret, one a line. */
function sha(credentials: { id: string; organization: string; secret: string }): string {
  return sha256(`${credentials.organization}\n${credentials.id}\n${credentials.secret}`);
}
