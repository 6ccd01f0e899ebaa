// Forged credentials cost no memory (issue 16, finding 5): only what Hull confirmed is cached, in
// an LRU of bounded size, however many distinct forgeries arrive.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHullAuthenticator } from "../../server/clients/hull/authenticate";
import { UnauthorizedError } from "../../server/errors";
import { startFakeServer } from "../helpers/fake-server";
import { startTestStack, type Stack } from "../helpers/stack";

const hex24 = () => randomBytes(12).toString("hex");

describe("createHullAuthenticator(allowedHosts, ttlMs, maxEntries)", () => {
  let hull: Awaited<ReturnType<typeof startFakeServer>>;
  beforeAll(async () => {
    // Hull confirms secrets starting "ok-" for any connector id, refuses everything else.
    hull = await startFakeServer((request) =>
      String(request.headers["hull-access-token"]).startsWith("ok-")
        ? { body: { id: request.path.split("/").at(-1), settings: {}, private_settings: {} } }
        : { status: 401, body: { message: "Invalid credentials" } },
    );
  });
  afterAll(() => hull.close());

  it("keeps nothing for 300 distinct forgeries", async () => {
    const auth = createHullAuthenticator([hull.host], 60_000, 50);
    for (let index = 0; index < 300; index++) {
      const forged = {
        id: hex24(),
        organization: hull.host,
        secret: randomBytes(16).toString("hex"),
      };
      await expect(auth.authenticate(forged)).rejects.toThrow(UnauthorizedError);
    }
    expect(auth.cachedCount()).toBe(0);
  });

  it("keeps at most maxEntries confirmed credentials, the most recent ones", async () => {
    const auth = createHullAuthenticator([hull.host], 60_000, 50);
    const all = Array.from({ length: 120 }, () => ({
      id: hex24(),
      organization: hull.host,
      secret: `ok-${hex24()}`,
    }));
    for (const credentials of all) await auth.authenticate(credentials);
    expect(auth.cachedCount()).toBe(50);
    const before = hull.requests.length;
    await auth.authenticate(all.at(-1)!);
    expect(hull.requests.length).toBe(before);
    await auth.authenticate(all[0]!);
    expect(hull.requests.length).toBe(before + 1);
  });

  it("asks Hull once for concurrent checks of the same credentials", async () => {
    const auth = createHullAuthenticator([hull.host]);
    const credentials = { id: hex24(), organization: hull.host, secret: `ok-${hex24()}` };
    const before = hull.requests.length;
    await Promise.all(Array.from({ length: 10 }, () => auth.authenticate(credentials)));
    expect(hull.requests.length).toBe(before + 1);
  });
});

describe("forged query credentials against the running connector", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  it("leave the credentials cache as it was, however many distinct ones arrive", async () => {
    const { organization } = stack.hull.connector;
    const before = stack.connector.deps.hullAuth.cachedCount();
    for (let index = 0; index < 200; index++) {
      const query = new URLSearchParams({
        ship: hex24(),
        organization,
        secret: randomBytes(16).toString("hex"),
      });
      const response = await fetch(`${stack.urls.connector}/jobs?${query}`);
      expect(response.status).toBe(401);
    }
    expect(stack.connector.deps.hullAuth.cachedCount()).toBe(before);
  });
});
