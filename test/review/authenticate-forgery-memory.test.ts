// Review finding: the "checked" map in createHullAuthenticator (server/clients/hull/authenticate.ts)
// keeps every well-formed credential it sees, keyed by the raw `organization\nid\nsecret`, before
// Hull has said anything. Any unauthenticated request with query credentials reaches it
// (http/hull-auth.ts requireHull: ?ship=<24 hex>&organization=<x>.hullapp.io&secret=<anything>),
// so forgeries Hull refuses now cost memory: up to 10,000 entries of up to a request line each
// (Node's 16 KB header limit), ~160 MB pinned by an anonymous caller, and plaintext secrets that
// never were valid held in the heap. The authenticator's own contract says "a refusal is not
// stored, so forgeries cost no memory".
import { randomBytes } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { createHullAuthenticator } from "../../server/clients/hull/authenticate";
import type { SafeFetch } from "../../server/clients/safe-fetch";
import { UnauthorizedError } from "../../server/errors";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const ID = "5f0c1a2b3c4d5e6f7a8b9c0d";

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

/** Hull, as the authenticator's transport: it refuses every credential (401). */
const refusingHull: SafeFetch = async () =>
  new Response(JSON.stringify({ message: "Invalid credentials" }), {
    status: 401,
    headers: { "content-type": "application/json" },
  });
const HOST = "acme.hullapp.io";

describe("forged credentials Hull refused", () => {
  it("cost the authenticator no memory (its contract), however many and however long", async () => {
    const auth = createHullAuthenticator(["*.hullapp.io"], 60_000, 1000, refusingHull);
    const forgeries = 2_000;
    const secretChars = 12_000; // a query string fits 16 KB
    // Warm up (the HTTP client's own pools), then measure.
    await auth
      .authenticate({ id: ID, organization: HOST, secret: "warm-up" })
      .catch(() => undefined);
    const before = heapAfterGc();
    let refused = 0;
    for (let start = 0; start < forgeries; start += 50) {
      await Promise.all(
        Array.from({ length: 50 }, () =>
          auth
            .authenticate({
              id: ID,
              organization: HOST,
              secret: randomBytes(secretChars / 2).toString("hex"),
            })
            .catch((error: unknown) => {
              if (error instanceof UnauthorizedError) refused += 1;
            }),
        ),
      );
    }
    const retained = heapAfterGc() - before;
    expect(refused).toBe(forgeries);
    expect(auth.cachedCount()).toBe(0);
    // 2,000 forgeries of 12 KB are 24 MB; a few MB of noise are allowed.
    expect(retained, `heap retained after ${forgeries} refused forgeries`).toBeLessThan(
      6 * 1024 * 1024,
    );
  });
});
