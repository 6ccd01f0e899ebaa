import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { createRedis } from "../../server/redis/redis-client";
import { createRedisRegistry } from "../../server/redis/redis-registry";
import { createFileRegistry, type WorkspaceRegistry } from "../../server/registry";

const acme = {
  id: "5f0c1a2b3c4d5e6f7a8b9c0d",
  organization: "acme.hullapp.io",
  secret: "acme-connector-secret",
};
const beta = {
  id: "6f0c1a2b3c4d5e6f7a8b9c0d",
  organization: "beta.hullapp.io",
  secret: "beta-connector-secret",
};

describe("createFileRegistry(dataDir, secret)", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "registry-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("routes a workspace to every connector connected to it, across restarts", async () => {
    const registry = createFileRegistry(dir, "a-long-enough-secret");
    await registry.register("app1", acme);
    await registry.register("app1", beta);
    await registry.register("app1", acme);
    const reopened = createFileRegistry(dir, "a-long-enough-secret");
    expect(await reopened.connectorsFor("app1")).toEqual([beta, acme]);
    expect(await reopened.connectorsFor("unknown")).toEqual([]);
  });

  it("answers a connector registered again with its new secret, without reopening", async () => {
    const registry = createFileRegistry(dir, "a-long-enough-secret");
    await registry.register("app1", acme);
    expect(await registry.connectorsFor("app1")).toEqual([acme]);
    const rotated = { ...acme, secret: "acme-rotated-secret" };
    await registry.register("app1", rotated);
    expect(await registry.connectorsFor("app1")).toEqual([rotated]);
    expect(await registry.findConnector(acme.id)).toEqual(rotated);
  });

  it("shows a link registered while its first reads are still reading the file", async () => {
    // Each first read used to set the cache when it finished: a read that finished after the
    // register replaced the map holding the new link, hiding it until a restart.
    const registry = createFileRegistry(dir, "a-long-enough-secret");
    const reads = Array.from({ length: 5 }, () => registry.connectorsFor("app1"));
    await registry.register("app1", acme);
    await Promise.all(reads);
    expect(await registry.connectorsFor("app1")).toEqual([acme]);
    expect(await registry.findConnector(acme.id)).toEqual(acme);
  });

  it("keeps connector secrets encrypted on disk", async () => {
    await createFileRegistry(dir, "a-long-enough-secret").register("app1", acme);
    const onDisk = await readFile(join(dir, "workspaces.json"), "utf8");
    expect(onDisk).toContain(acme.id);
    expect(onDisk).not.toContain(acme.secret);
  });

  it("cannot be read with another SECRET", async () => {
    await createFileRegistry(dir, "a-long-enough-secret").register("app1", acme);
    expect(await createFileRegistry(dir, "some-other-long-secret").connectorsFor("app1")).toEqual(
      [],
    );
  });

  it("forgets a connector that disconnects", async () => {
    const registry = createFileRegistry(dir, "a-long-enough-secret");
    await registry.register("app1", acme);
    await registry.register("app1", beta);
    await registry.unregister("app1", acme.id);
    expect(await registry.connectorsFor("app1")).toEqual([beta]);
  });
});

describe.each([
  [
    "file",
    async () => {
      const dir = await mkdtemp(join(tmpdir(), "registry-"));
      return {
        registry: createFileRegistry(dir, "a-long-enough-secret"),
        close: () => rm(dir, { recursive: true, force: true }),
      };
    },
  ],
  [
    "Redis",
    async () => {
      const redis = await createRedis("redis://127.0.0.1:6379");
      const prefix = `test-registry-${randomUUID()}`;
      return {
        registry: createRedisRegistry(redis, prefix, "a-long-enough-secret"),
        close: async () => {
          const keys = await redis.keys(`${prefix}:*`);
          if (keys.length > 0) await redis.del(...keys);
          await redis.quit();
        },
      };
    },
  ],
] as const)("%s registry: findConnector(id)", (_kind, open) => {
  let registry: WorkspaceRegistry;
  let close: () => Promise<unknown>;
  beforeEach(async () => {
    ({ registry, close } = await open());
  });
  afterEach(() => close());

  it("finds a connected connector by its id alone, and forgets it once disconnected", async () => {
    await registry.register("app1", acme);
    await registry.register("app2", beta);
    expect(await registry.findConnector(acme.id)).toEqual(acme);
    expect(await registry.findConnector(beta.id)).toEqual(beta);
    expect(await registry.findConnector("0".repeat(24))).toBeUndefined();
    await registry.unregister("app1", acme.id);
    expect(await registry.findConnector(acme.id)).toBeUndefined();
    expect(await registry.findConnector(beta.id)).toEqual(beta);
  });
});
