// Bad input never causes a 5xx (issue 22, finding 1): names that live on Object.prototype
// (`__proto__`, `constructor`, `toString`…) used as app ids, notification ids, contact ids,
// attribute names, query keys and setting names are ordinary strings to every route and store:
// 2xx or 4xx, never 5xx, and a store keeps them like any other key.
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import jwt from "jsonwebtoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import { createActivityLog } from "../../server/activity";
import { createMemoryDeduplicator } from "../../server/incoming/webhook/deduplicator";
import { createFileJobStore } from "../../server/jobs/file-job-store";
import { createRedis } from "../../server/redis/redis-client";
import { createRedisRegistry } from "../../server/redis/redis-registry";
import { createFileRegistry, type WorkspaceRegistry } from "../../server/registry";
import { envelope, modernUser } from "../fixtures/intercom/webhooks";
import { deliverSigned } from "../helpers/intercom-webhooks";
import { startTestStack, type Stack } from "../helpers/stack";
import { startRecordingServer, type RecordingServer } from "./helpers/recording-server";

const PROTOTYPE_NAMES = [
  ...Object.getOwnPropertyNames(Object.prototype),
  ...["prototype", "length", "name", "call", "apply", "bind", "then"],
];
const protoName = fc.constantFrom(...PROTOTYPE_NAMES);
/** A prototype name alone, or inside a longer string. */
const hostileString = fc.oneof(
  protoName,
  fc.tuple(fc.string({ maxLength: 3 }), protoName).map(([prefix, name]) => `${prefix}${name}`),
);

const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
let stack: Stack;
let keyServer: RecordingServer;
const json = { "content-type": "application/json" };

beforeAll(async () => {
  keyServer = await startRecordingServer(
    "127.0.0.1",
    0,
    publicKey.export({ type: "spki", format: "pem" }).toString(),
  );
  stack = await startTestStack({
    env: { HULL_ALLOWED_HOSTS: keyServer.url.slice("http://".length) },
  });
  await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await keyServer?.close();
});

const expectNo5xx = async (response: Promise<Response>, what: string) => {
  const status = (await response).status;
  expect(status, what).toBeGreaterThanOrEqual(200);
  expect(status, what).toBeLessThan(500);
};

describe("prototype names thrown at every route", () => {
  it("POST /auth/uninstalled with such an app_id answers 2xx", async () => {
    for (const name of PROTOTYPE_NAMES) {
      const response = await fetch(`${stack.urls.connector}/auth/uninstalled`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ app_id: name }),
      });
      expect(response.status, name).toBe(200);
      expect(await response.json()).toEqual({ ok: true, disconnected: 0 });
    }
  });

  it("signed Intercom notifications with such app ids, topics, ids and attribute names", async () => {
    const appId = stack.intercom.appId;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          app: fc.oneof(fc.constant(appId), hostileString),
          topic: fc.oneof(fc.constantFrom("contact.user.created", "user.created"), hostileString),
          id: hostileString,
          contactId: hostileString,
          attribute: hostileString,
        }),
        async ({ app, topic, id, contactId, attribute }) => {
          const notification = {
            ...envelope(
              topic,
              modernUser({ id: contactId, custom_attributes: { [attribute]: "x" } }),
              `${id}-${randomUUID()}`,
            ),
            app_id: app,
          };
          await expectNo5xx(
            deliverSigned(stack.urls.connector, stack.intercom.clientSecret, notification),
            JSON.stringify(notification),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it("query strings whose keys and values are prototype names, on every route", async () => {
    const routes: [string, string][] = [
      ["GET", "/admin"],
      ["GET", "/admin/api/overview"],
      ["GET", "/admin/api/settings"],
      ["GET", "/status"],
      ["GET", "/jobs"],
      ["GET", "/auth"],
      ["GET", "/auth/callback"],
      ["POST", "/fetch-all"],
      ["POST", "/batch"],
      ["GET", "/schema/user_fields"],
      ["GET", "/health"],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.dictionary(hostileString, hostileString, { maxKeys: 4 }),
        fc.constantFrom("ship", "organization", "secret", "token", "state", "code"),
        hostileString,
        async ([method, path], extra, credentialKey, credentialValue) => {
          const query = new URLSearchParams({ ...extra, [credentialKey]: credentialValue });
          await expectNo5xx(
            fetch(`${stack.urls.connector}${path}?${query}`, { method, redirect: "manual" }),
            `${method} ${path}?${query}`,
          );
        },
      ),
      { numRuns: 80 },
    );
  });

  it("authenticated bodies whose keys and values are prototype names", async () => {
    const routes: [string, string][] = [
      ["POST", "/admin/api/fetch"],
      ["PUT", "/admin/api/settings"],
      ["POST", "/batch"],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
        hostileString,
        async ([method, path], extra, value) => {
          const body = {
            kind: value,
            url: value,
            private_settings: { ...extra, [value]: value },
            settings: extra,
            ...extra,
          };
          await expectNo5xx(
            fetch(`${stack.urls.connector}${path}?${stack.credentialsQuery}`, {
              method,
              headers: json,
              body: JSON.stringify(body),
            }),
            `${method} ${path} ${JSON.stringify(body)}`,
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it("signed smart-notifier notifications whose traits, segments and events use prototype names", async () => {
    const { id, organization, secret } = stack.hull.connector;
    await fc.assert(
      fc.asyncProperty(hostileString, hostileString, async (trait, segment) => {
        const notificationId = randomUUID();
        const body = {
          notification_id: notificationId,
          configuration: { id, organization, secret },
          channel: "user:update",
          connector: { id, private_settings: {}, settings: {} },
          segments: [{ id: segment, name: segment }],
          messages: [
            {
              user: { id: randomUUID(), email: `${randomUUID()}@example.com`, [trait]: trait },
              segments: [{ id: segment, name: segment }],
              changes: { user: { [trait]: [null, trait] }, segments: { entered: [] } },
              events: [{ event: trait, properties: { [trait]: trait } }],
            },
          ],
        };
        await expectNo5xx(
          fetch(`${stack.urls.connector}/smart-notifier`, {
            method: "POST",
            headers: {
              ...json,
              "x-hull-smart-notifier": "true",
              "x-hull-smart-notifier-signature-version": "v1",
              "x-hull-smart-notifier-signature": jwt.sign({}, privateKey, {
                algorithm: "RS256",
                jwtid: notificationId,
              }),
              "x-hull-smart-notifier-signature-public-key-url": `${keyServer.url}/key`,
            },
            body: JSON.stringify(body),
          }),
          JSON.stringify(body),
        );
      }),
      { numRuns: 25 },
    );
  });
});

describe("prototype names at the stand-ins", () => {
  it("Hull's user store keeps them as attribute names like any other", async () => {
    const email = `${randomUUID()}@example.com`;
    const attributes = Object.fromEntries(
      PROTOTYPE_NAMES.map((name) => [name, `value of ${name}`]),
    );
    const seeded = await fetch(`${stack.urls.hull}/_sandbox/users`, {
      method: "POST",
      headers: json,
      body: JSON.stringify([{ claims: { email }, attributes }]),
    });
    expect(seeded.status).toBeLessThan(300);
    const users = (await (await fetch(`${stack.urls.hull}/_sandbox/users`)).json()) as {
      email: string;
      attributes: Record<string, unknown>;
    }[];
    const user = users.find((candidate) => candidate.email === email);
    for (const name of PROTOTYPE_NAMES) {
      expect(Object.hasOwn(user!.attributes, name), name).toBe(true);
      expect(user!.attributes[name], name).toBe(`value of ${name}`);
    }
  });
});

describe("prototype names as keys of every store", () => {
  const credentials = { id: "5f0c1a2b3c4d5e6f7a8b9c0d", organization: "x.hullapp.io", secret: "s" };

  async function registryKeepsThemAsKeys(registry: WorkspaceRegistry) {
    for (const name of PROTOTYPE_NAMES) {
      expect(await registry.connectorsFor(name), name).toEqual([]);
      await registry.unregister(name, credentials.id);
      await registry.register(name, credentials);
      expect(await registry.connectorsFor(name), name).toEqual([credentials]);
    }
    for (const name of PROTOTYPE_NAMES) {
      await registry.unregister(name, credentials.id);
      expect(await registry.connectorsFor(name), name).toEqual([]);
    }
  }

  it("the file registry, also after a reload from disk", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "prototype-names-"));
    try {
      const registry = createFileRegistry(dataDir, "prototype-names-secret-0123");
      for (const name of PROTOTYPE_NAMES) await registry.register(name, credentials);
      const reloaded = createFileRegistry(dataDir, "prototype-names-secret-0123");
      for (const name of PROTOTYPE_NAMES)
        expect(await reloaded.connectorsFor(name), name).toEqual([credentials]);
      for (const name of PROTOTYPE_NAMES) await reloaded.unregister(name, credentials.id);
      await registryKeepsThemAsKeys(reloaded);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("the Redis registry", async () => {
    const redis = await createRedis("redis://127.0.0.1:6379");
    const prefix = `prototype-names-${randomUUID()}`;
    try {
      await registryKeepsThemAsKeys(createRedisRegistry(redis, prefix, "prototype-names-0123"));
    } finally {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
  });

  it("the de-duplicator, the job store and the activity log", async () => {
    const deduplicator = createMemoryDeduplicator();
    const dataDir = mkdtempSync(join(tmpdir(), "prototype-names-"));
    const jobs = createFileJobStore(dataDir, "prototype-names-secret-0123");
    const activity = createActivityLog();
    try {
      for (const name of PROTOTYPE_NAMES) {
        expect(await deduplicator.claim(name), name).toBe("claimed");
        expect(await deduplicator.claim(name), name).toBe("duplicate");
        expect(await jobs.get(name), name).toBeUndefined();
        activity.count(name, name);
        expect((await activity.snapshot(name)).counters[name], name).toBe(1);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
