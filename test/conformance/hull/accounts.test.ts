// The Hull stand-in's accounts, written to by Hull's own client (hull-client@2.0.4: asAccount,
// asUser(u).account(a)) and read the way Hull's framework checks notifications (hull@0.14.2's
// SmartNotifierValidator). Facts: hull-platform.md §2.2-2.6.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startHullSandbox, type HullSandbox } from "../../../sandbox/hull/index.js";
import {
  entry,
  getJson,
  hullHeaders,
  postFirehose,
  sendJson,
  startFakeConnector,
  waitFor,
  type FakeConnector,
} from "../../sandbox/hull/helpers.js";
import { hullClientCrypto, SmartNotifierValidator } from "./hull-packages";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- notification bodies are read loosely
type Loose = any;

interface ScopedClient {
  traits(attributes: Record<string, unknown>): Promise<unknown>;
  account(claims: Record<string, string>): ScopedClient;
}
const HullClient = createRequire(import.meta.url)("hull-client") as new (config: {
  id: string;
  secret: string;
  organization: string;
  firehoseUrl: string;
  flushAfter?: number;
}) => {
  asUser(claims: Record<string, string>): ScopedClient;
  asAccount(claims: Record<string, string>): ScopedClient;
};
const accountToken = hullClientCrypto.lookupToken as unknown as (
  config: { id: string; secret: string },
  subjectType: "account",
  objectClaims: Record<string, Record<string, string>>,
) => string;

/** The project manifest with the account channels subscribed (the connector's flows add them). */
const manifest = JSON.parse(
  readFileSync(new URL("../../../manifest.json", import.meta.url), "utf8"),
);
const only: string[] = manifest.subscriptions[0].conditions.channels.only;
manifest.subscriptions[0].conditions.channels.only = [
  ...only,
  "account:update",
  "accounts_segment:update",
  "accounts_segment:delete",
];
// Every account is notified here: the connector's own condition (synchronized_account_segments,
// empty = none) is the flows' business, not the stand-in's (the connector's tests cover it).
delete manifest.subscriptions[0].conditions.segments?.["account:update"];

let hull: HullSandbox;
let connector: FakeConnector;
let client: InstanceType<typeof HullClient>;
beforeAll(async () => {
  connector = await startFakeConnector();
  hull = await startHullSandbox({ connectorUrl: connector.url, notifyDelayMs: 10, manifest });
  client = new HullClient({
    ...hull.connector,
    firehoseUrl: `${hull.url}/firehose`,
    flushAfter: 10,
  });
});
beforeEach(async () => {
  await sendJson(`${hull.url}/_sandbox/reset`, "POST", {});
  await sendJson(`${hull.url}/_sandbox/connector/settings`, "PUT", {
    private_settings: { synchronized_segments: [] },
  });
  await waitFor(() => received("ship:update").length > 0);
  connector.received.length = 0;
});
afterAll(async () => {
  await hull?.close();
  await connector?.close();
});

const accounts = () => getJson<Loose[]>(`${hull.url}/_sandbox/accounts`);
const users = () => getJson<Loose[]>(`${hull.url}/_sandbox/users`);
const received = (channel: string) =>
  connector.received.filter((request) => request.body.channel === channel);
const api = (path: string, init: RequestInit = {}) =>
  fetch(`${hull.url}/api/v1/${path}`, { ...init, headers: hullHeaders(hull) });

describe("accounts written with hull-client", () => {
  it("asAccount(a).traits stores the account with its attributes and notifies account:update", async () => {
    await client.asAccount({ domain: "acme.test" }).traits({ name: "Acme", "intercom/id": "c1" });
    const [account] = await waitFor(async () => {
      const list = await accounts();
      return list.length > 0 && list;
    });
    expect(account).toMatchObject({ domain: "acme.test", name: "Acme", "intercom/id": "c1" });
    const notification = await waitFor(() => received("account:update")[0]);
    const validator = new SmartNotifierValidator();
    validator.setRequest({
      headers: notification.headers as Record<string, string>,
      body: notification.body,
    });
    expect(validator.validateSignatureHeaders()).toBe(true);
    await expect(validator.validateSignature()).resolves.toBe(true);
    const message = (notification.body as Loose).messages[0];
    expect(message).toMatchObject({
      account: { id: account.id, domain: "acme.test", name: "Acme", "intercom/id": "c1" },
      account_segments: [],
      account_segment_ids: [],
      changes: { is_new: true, account: { "intercom/id": [null, "c1"] }, account_segments: {} },
    });
    expect(Object.keys(message.account).some((key) => key.startsWith("traits_"))).toBe(false);
  });

  it("asUser(u).account(a).traits writes the account and links the user; user:update carries it", async () => {
    await sendJson(`${hull.url}/_sandbox/segments`, "POST", { name: "All", query: {} });
    await client
      .asUser({ email: "ann@acme.test" })
      .account({ external_id: "acme" })
      .traits({ plan: "pro" });
    const [account] = await waitFor(async () => {
      const list = await accounts();
      return list[0]?.users?.length > 0 && list;
    });
    expect(account).toMatchObject({ external_id: "acme", plan: "pro" });
    expect(account.users).toEqual([{ id: expect.any(String), email: "ann@acme.test" }]);
    const [user] = await users();
    expect(user.attributes.plan).toBeUndefined();
  });

  it("refuses account entries without account claims, other than traits, or with a wrong sub", async () => {
    const token = accountToken(hull.connector, "account", { account: { domain: "x.test" } });
    expect((await postFirehose(hull, [entry("track", { event: "x" }, token)])).status).toBe(400);
    const noClaims = accountToken(hull.connector, "account", {
      account: {},
      user: { email: "a@b.c" },
    });
    const refused = await postFirehose(hull, [entry("traits", { a: 1 }, noClaims)]);
    expect(refused.status).toBe(400);
    expect(String(refused.body.message)).toContain("io.hull.asAccount");
    expect(await accounts()).toEqual([]);
  });

  it("keeps an attribute named like a prototype member as an attribute", async () => {
    const token = accountToken(hull.connector, "account", { account: { domain: "proto.test" } });
    const body = JSON.parse('{"__proto__": {"polluted": true}, "constructor": "x"}');
    expect((await postFirehose(hull, [entry("traits", body, token)])).status).toBe(200);
    const [account] = await accounts();
    expect(account.constructor).toBe("x");
    expect(account.__proto__).toEqual({ polluted: true });
    expect(({} as Loose).polluted).toBeUndefined();
  });
});

describe("account segments, extracts and the attribute tree", () => {
  async function seed() {
    const { body } = await sendJson(`${hull.url}/_sandbox/accounts`, "POST", [
      { claims: { domain: "acme.test" }, attributes: { name: "Acme", tier: "gold" } },
      { claims: { external_id: "globex" }, attributes: { name: "Globex", tier: "silver" } },
    ]);
    return body as unknown as Loose[];
  }

  it("serves accounts_segments; entering one and renaming it are notified", async () => {
    const [acme] = await seed();
    const { body: gold } = await sendJson(`${hull.url}/_sandbox/accounts_segments`, "POST", {
      name: "Gold",
      query: { tier: "gold" },
    });
    const listed = (await (await api("accounts_segments")).json()) as Loose[];
    expect(listed).toEqual([
      expect.objectContaining({
        id: gold.id,
        name: "Gold",
        type: "accounts_segment",
        stats: { accounts: 1 },
      }),
    ]);
    const entered = await waitFor(() =>
      received("account:update")
        .flatMap((request) => (request.body as Loose).messages)
        .find((message: Loose) => message.changes.account_segments.entered),
    );
    expect(entered.account.id).toBe(acme.id);
    expect(entered.account_segment_ids).toEqual([gold.id]);
    await sendJson(`${hull.url}/_sandbox/accounts_segments/${gold.id}`, "PUT", { name: "Golden" });
    const renamed = await waitFor(() =>
      received("accounts_segment:update").find(
        (request) => (request.body as Loose).messages[0].name === "Golden",
      ),
    );
    expect((renamed.body as Loose).accounts_segments[0]).toMatchObject({
      id: gold.id,
      name: "Golden",
    });
  });

  it("puts an account in a segment by control; user:update of its users carries the account", async () => {
    const [, globex] = await seed();
    const { body: segment } = await sendJson(`${hull.url}/_sandbox/accounts_segments`, "POST", {
      name: "Chosen",
    });
    const put = await sendJson(
      `${hull.url}/_sandbox/accounts_segments/${segment.id}/accounts`,
      "POST",
      {
        account_ids: [globex.id],
      },
    );
    expect(put.body.stats).toEqual({ accounts: 1 });
    await sendJson(`${hull.url}/_sandbox/accounts`, "POST", [
      { claims: { external_id: "globex" }, users: [{ claims: { email: "g@globex.test" } }] },
    ]);
    await sendJson(`${hull.url}/_sandbox/notify`, "POST", { all: true });
    const message = await waitFor(() =>
      received("user:update")
        .flatMap((request) => (request.body as Loose).messages)
        .find((m: Loose) => m.user.email === "g@globex.test"),
    );
    expect(message.account).toMatchObject({ id: globex.id, external_id: "globex", name: "Globex" });
    expect(message.account_segment_ids).toEqual([segment.id]);
  });

  it("a change of an account reaches its users' user:update as changes.account", async () => {
    const { body: all } = await sendJson(`${hull.url}/_sandbox/segments`, "POST", {
      name: "Everyone",
      query: {},
    });
    await sendJson(`${hull.url}/_sandbox/connector/settings`, "PUT", {
      private_settings: { synchronized_segments: [all.id] },
    });
    await seed();
    await sendJson(`${hull.url}/_sandbox/accounts`, "POST", [
      { claims: { domain: "acme.test" }, users: [{ claims: { email: "ann@acme.test" } }] },
    ]);
    await waitFor(() =>
      received("user:update").some((request) =>
        (request.body as Loose).messages.some((m: Loose) => m.user.email === "ann@acme.test"),
      ),
    );
    connector.received.length = 0;
    await client.asAccount({ domain: "acme.test" }).traits({ tier: "platinum" });
    const message = await waitFor(() =>
      received("user:update")
        .flatMap((request) => (request.body as Loose).messages)
        .find((m: Loose) => m.user.email === "ann@acme.test"),
    );
    expect(message.account).toMatchObject({ domain: "acme.test", tier: "platinum" });
    expect(message.changes.account).toEqual({ tier: ["gold", "platinum"] });
    expect(message.changes.user).toEqual({});
  });

  it("extracts account reports and serves the account attribute tree", async () => {
    await seed();
    const response = await api("extract/account_reports", {
      method: "POST",
      body: JSON.stringify({
        query: {},
        format: "json",
        url: `${connector.url}/batch-accounts`,
        fields: [],
      }),
    });
    expect(response.status).toBe(202);
    const delivery = await waitFor(() =>
      connector.received.find((r) => r.path === "/batch-accounts"),
    );
    expect(delivery.body).toMatchObject({ format: "json", object_type: "account_report" });
    const lines = (await (await fetch(String(delivery.body.url))).text())
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.name).sort()).toEqual(["Acme", "Globex"]);
    // The manual "send to connector" of an account segment goes through /batch the same way.
    const { body: gold } = await sendJson(`${hull.url}/_sandbox/accounts_segments`, "POST", {
      name: "Gold",
      query: { tier: "gold" },
    });
    const sent = await sendJson(`${hull.url}/_sandbox/notify_accounts`, "POST", {
      segment_id: gold.id,
      extract: true,
    });
    expect(sent.body).toMatchObject({ queued: 1, via: "batch" });
    const batch = await waitFor(() => connector.received.find((r) => r.path === "/batch"));
    expect(batch.query).toMatchObject({ ship: hull.connector.id, segment_id: gold.id });
    expect(batch.body).toMatchObject({ object_type: "account_report" });
    const bad = await api("extract/account_reports", {
      method: "POST",
      body: JSON.stringify({ url: "nope" }),
    });
    expect(bad.status).toBe(400);
    const tree = (await (await api("search/account_reports/bootstrap")).json()) as Loose;
    expect(tree.tree.map((node: Loose) => node.id)).toEqual(
      expect.arrayContaining(["domain", "tier"]),
    );
  });
});
