// The connectors Hull last confirmed, kept across restarts (ADR 031): sealed, readable only with
// the same SECRET, only what the flows read, and bounded.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  MAX_CONFIRMED_CONNECTORS,
  createFileConfirmedConnectors,
} from "../../../server/durable/confirmed-connectors";

const connector = {
  id: "5f0c1a2b3c4d5e6f7a8b9c0d",
  name: "Intercom",
  settings: { a: 1 },
  private_settings: { access_token: "intercom-token" },
  manifest: { huge: "not kept" },
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "confirmed-store-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("createFileConfirmedConnectors(dataDir, secret)", () => {
  it("keeps what the flows read, sealed, across instances", async () => {
    await createFileConfirmedConnectors(dir, "a-long-enough-secret").set("k1", {
      connector,
      confirmedAtMs: 42,
    });
    const onDisk = await readFile(join(dir, "confirmed-connectors.json"), "utf8");
    expect(onDisk).not.toContain("intercom-token");
    expect(await createFileConfirmedConnectors(dir, "a-long-enough-secret").get("k1")).toEqual({
      connector: {
        id: connector.id,
        name: "Intercom",
        settings: { a: 1 },
        private_settings: { access_token: "intercom-token" },
      },
      confirmedAtMs: 42,
    });
    expect(await createFileConfirmedConnectors(dir, "a-long-enough-secret").get("k2")).toBe(
      undefined,
    );
  });

  it("cannot be read with another SECRET", async () => {
    await createFileConfirmedConnectors(dir, "a-long-enough-secret").set("k1", {
      connector,
      confirmedAtMs: 42,
    });
    expect(await createFileConfirmedConnectors(dir, "another-long-secret").get("k1")).toBe(
      undefined,
    );
  });

  it("keeps at most maxEntries, dropping the least recently written", async () => {
    const store = createFileConfirmedConnectors(dir, "a-long-enough-secret", { maxEntries: 3 });
    await Promise.all(
      ["k0", "k1", "k2", "k3"].map((hash, index) =>
        store.set(hash, { connector, confirmedAtMs: index }),
      ),
    );
    // k1 written again: it is now the most recent, so k2 goes next.
    await store.set("k1", { connector, confirmedAtMs: -1 });
    await store.set("k4", { connector, confirmedAtMs: 4 });
    const reopened = createFileConfirmedConnectors(dir, "a-long-enough-secret");
    expect(await reopened.get("k0")).toBeUndefined();
    expect(await reopened.get("k2")).toBeUndefined();
    expect((await reopened.get("k1"))?.confirmedAtMs).toBe(-1);
    expect((await reopened.get("k3"))?.confirmedAtMs).toBe(3);
    expect((await reopened.get("k4"))?.confirmedAtMs).toBe(4);
    expect(MAX_CONFIRMED_CONNECTORS).toBe(10_000);
  });

  it("makes every set of a concurrent burst durable", async () => {
    const store = createFileConfirmedConnectors(dir, "a-long-enough-secret");
    await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        store.set(`k${index}`, { connector, confirmedAtMs: index }),
      ),
    );
    const reopened = createFileConfirmedConnectors(dir, "a-long-enough-secret");
    for (const index of [0, 99, 199])
      expect((await reopened.get(`k${index}`))?.confirmedAtMs).toBe(index);
  });
});
