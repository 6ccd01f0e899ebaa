import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startHullSandbox, type HullSandbox } from "../../sandbox/hull/index";
import { startIntercomSandbox, type IntercomSandbox } from "../../sandbox/intercom/index";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import {
  standInEnv,
  startConnectorProcess,
  type ConnectorProcess,
} from "../helpers/connector-process";
import { conversationNotification, deliverSigned } from "../helpers/intercom-webhooks";

// ADR 031: a connector process started while Hull is down still knows the connectors Hull
// confirmed before, from its store, so Intercom's webhooks go to the outbox (answered 200) and
// reach Hull once it is back. Before, they were answered 503: Intercom retries once, a minute
// later, and drops the subscription's notifications for 15 minutes after too many errors.
const json = { "content-type": "application/json" };
const post = (url: string, body: unknown = {}) =>
  fetch(url, { method: "POST", headers: json, body: JSON.stringify(body) });

let intercom: IntercomSandbox | undefined;
let hull: HullSandbox | undefined;
const processes: ConnectorProcess[] = [];

afterEach(async () => {
  await Promise.all(processes.splice(0).map((connector) => connector.kill()));
  await Promise.all([hull?.close(), intercom?.close()]);
});

describe.each([
  ["the embedded mode (files under DATA_DIR)", {}],
  ["the scale-out mode (Redis)", { REDIS_URL: "redis://127.0.0.1:6379" }],
])("a process started during a Hull outage, in %s", (_mode, modeEnv: Record<string, string>) => {
  it("takes Intercom's webhooks into the outbox and delivers them once Hull is back", async () => {
    intercom = await startIntercomSandbox({ webhookRetryDelayMs: 100 });
    hull = await startHullSandbox({ notifyDelayMs: 50 });
    const env = {
      SECRET: "restart-outage-secret-0123456789",
      ...standInEnv(intercom, hull),
      DATA_DIR: mkdtempSync(join(tmpdir(), "restart-outage-")),
      REDIS_PREFIX: `restart-outage-${randomUUID()}`,
      ...modeEnv,
    };
    const start = async () => {
      const connector = await startConnectorProcess(env);
      processes.push(connector);
      hull!.setConnectorUrl(connector.url);
      intercom!.setWebhookUrl(`${connector.url}/intercom`);
      return connector;
    };
    const credentials = new URLSearchParams({
      ship: hull.connector.id,
      organization: hull.organization,
      secret: hull.connector.secret,
    }).toString();
    const first = await start();
    await connectThroughOAuth(`${first.url}/auth?${credentials}`);
    const contact = (
      (await (
        await post(`${intercom.url}/_sandbox/contacts`, {
          contacts: [{ role: "user", email: "outage@example.com" }],
        })
      ).json()) as { ids: string[] }
    ).ids[0]!;
    const deliver = async (connector: ConnectorProcess, message: string) => {
      const response = await deliverSigned(
        connector.url,
        intercom!.clientSecret,
        conversationNotification(intercom!.appId, contact, message, {
          id: `notif_${randomUUID()}`,
        }),
      );
      return { status: response.status, body: (await response.json()) as { outcome?: string } };
    };
    expect(await deliver(first, "before the outage")).toMatchObject({
      status: 200,
      body: { outcome: "written" },
    });

    await first.kill();
    // Hull down as a whole: its organization API and its firehose.
    await post(`${hull.url}/_sandbox/faults`, { api_status: 503, status: 503 });
    const second = await start();
    expect(await deliver(second, "during the outage")).toMatchObject({
      status: 200,
      body: { outcome: "queued" },
    });

    await post(`${hull.url}/_sandbox/faults`, {});
    const messages = async () =>
      (
        (await (await fetch(`${hull!.url}/_sandbox/users`)).json()) as {
          email: string | null;
          events: { properties: Record<string, unknown> }[];
        }[]
      )
        .filter((user) => user.email === "outage@example.com")
        .flatMap((user) => user.events.map((event) => event.properties.message));
    await expect.poll(messages).toContain("during the outage");
    expect((await messages()).filter((message) => message === "during the outage")).toHaveLength(1);
    // A hang-catcher only (wait ceilings, test/helpers/wait.ts): the waits inside fail first.
  }, 240_000);
});
