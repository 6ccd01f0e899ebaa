// Our Hull stand-in (sandbox/hull/) held to Hull's own packages on the points of issue 13, so that
// what the connector's other tests rely on is what Hull's tools do.
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHullSandbox, type HullSandbox } from "../../../sandbox/hull/index.js";
import {
  entry,
  postFirehose,
  sendJson,
  startFakeConnector,
  waitFor,
  type FakeConnector,
} from "../../sandbox/hull/helpers.js";
import { hullClientCrypto, SmartNotifierValidator } from "./hull-packages";

// hull-client lib/utils/properties.js: how Hull's client reads the attribute tree.
const properties = createRequire(import.meta.url)("hull-client/lib/utils/properties") as {
  get(this: { get(path: string): Promise<unknown> }): Promise<Record<string, unknown>>;
};

let hull: HullSandbox;
let connector: FakeConnector;
beforeAll(async () => {
  connector = await startFakeConnector();
  hull = await startHullSandbox({ connectorUrl: connector.url, notifyDelayMs: 10 });
});
afterAll(async () => {
  await hull?.close();
  await connector?.close();
});

const api = (path: string) =>
  fetch(`${hull.url}/api/v1/${path}`, {
    headers: { "Hull-App-Id": hull.connector.id, "Hull-Access-Token": hull.connector.secret },
  });

describe("the Hull stand-in, read with Hull's own packages", () => {
  it("serves an attribute tree whose every attribute hull-client's properties.get finds", async () => {
    await sendJson(`${hull.url}/_sandbox/users`, "POST", [
      { claims: { email: "tree@example.com" }, attributes: { plan: "pro", "intercom/id": "c1" } },
    ]);
    const found = await properties.get.call({
      get: async (path: string) => (await api(path)).json(),
    });
    expect(Object.keys(found)).toEqual(
      expect.arrayContaining(["email", "traits_plan", "traits_intercom/id"]),
    );
  });

  it("signs notifications that hull's SmartNotifierValidator accepts, key fetched its way", async () => {
    await sendJson(`${hull.url}/_sandbox/connector/settings`, "PUT", {
      private_settings: { send_events: [] },
    });
    const notification = await waitFor(
      () => connector.received.find((request) => request.body.channel === "ship:update"),
      30_000,
    );
    const validator = new SmartNotifierValidator();
    validator.setRequest({
      headers: notification.headers as Record<string, string>,
      body: notification.body,
    });
    expect(validator.validateSignatureVersion()).toBe(true);
    expect(validator.validateSignatureHeaders()).toBe(true);
    await expect(validator.validateSignature()).resolves.toBe(true);
  });

  it("takes firehose entries signed by hull-client's lookupToken, Hull id claims included", async () => {
    const [user] = (
      await sendJson(`${hull.url}/_sandbox/users`, "POST", [
        { claims: { email: "id@example.com" }, attributes: {} },
      ])
    ).body as unknown as { id: string }[];
    const token = hullClientCrypto.lookupToken(hull.connector, "user", { user: { id: user!.id } });
    const result = await postFirehose(hull, [entry("traits", { "intercom/id": "c2" }, token)]);
    expect(result.status).toBe(200);
  });
});
