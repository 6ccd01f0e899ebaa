import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHullSandbox, type HullSandbox } from "../../sandbox/hull/index";
import { startIntercomSandbox, type IntercomSandbox } from "../../sandbox/intercom/index";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import {
  standInEnv,
  startConnectorProcess,
  type ConnectorProcess,
} from "../helpers/connector-process";
import { conversationNotification, deliverSigned } from "../helpers/intercom-webhooks";

// Connector processes killed with SIGKILL in the middle of work, the stand-ins keeping their state:
// with Redis, another process finishes the work and every record arrives exactly once.
type Job = { kind: string; state: string; progress: { fetched: number } };
type HullUser = {
  email: string | null;
  anonymous_ids: string[];
  events: { event: string; properties: Record<string, unknown> }[];
};

let intercom: IntercomSandbox;
let hull: HullSandbox;
let env: Record<string, string>;
const processes: ConnectorProcess[] = [];
const json = { "content-type": "application/json" };
const post = (url: string, body: unknown = {}) =>
  fetch(url, { method: "POST", headers: json, body: JSON.stringify(body) });
const credentials = () =>
  new URLSearchParams({
    ship: hull.connector.id,
    organization: hull.organization,
    secret: hull.connector.secret,
  }).toString();
const jobs = async (connector: ConnectorProcess) =>
  ((await (await fetch(`${connector.url}/jobs?${credentials()}`)).json()) as { jobs: Job[] }).jobs;
const hullUsers = async () =>
  (await (await fetch(`${hull.url}/_sandbox/users`)).json()) as HullUser[];

async function startConnector(): Promise<ConnectorProcess> {
  const connector = await startConnectorProcess(env);
  processes.push(connector);
  hull.setConnectorUrl(connector.url);
  intercom.setWebhookUrl(`${connector.url}/intercom`);
  return connector;
}

beforeAll(async () => {
  intercom = await startIntercomSandbox({ webhookRetryDelayMs: 100 });
  hull = await startHullSandbox({ notifyDelayMs: 50 });
  env = {
    SECRET: "process-faults-secret-0123456789",
    ...standInEnv(intercom, hull),
    DATA_DIR: mkdtempSync(join(tmpdir(), "process-faults-")),
    REDIS_URL: "redis://127.0.0.1:6379",
    REDIS_PREFIX: `faults-${randomUUID()}`,
    JOB_LOCK_MS: "2000",
  };
  const first = await startConnector();
  await connectThroughOAuth(`${first.url}/auth?${credentials()}`);
});

afterAll(async () => {
  await Promise.all(processes.map((connector) => connector.kill()));
  await Promise.all([hull.close(), intercom.close()]);
});

describe("a connector process killed mid-work", () => {
  it("leaves a half-done fetch to another process, which finishes it from the checkpoint", async () => {
    await post(`${intercom.url}/_sandbox/contacts`, { count: 2000, role: "user" });
    await post(`${intercom.url}/_sandbox/faults`, {
      delay_ms: 100,
      share: 1,
      path: "/contacts/search",
    });
    const doomed = processes.at(-1)!;
    expect(
      (
        (await (
          await fetch(`${doomed.url}/fetch-all?${credentials()}`, { method: "POST" })
        ).json()) as { started: boolean }
      ).started,
    ).toBe(true);
    await expect
      .poll(
        async () =>
          (await jobs(doomed)).find((job) => job.state === "running")?.progress.fetched ?? 0,
        { interval: 50 },
      )
      .toBeGreaterThanOrEqual(450);
    await doomed.kill();
    await post(`${intercom.url}/_sandbox/faults`, {});
    const survivor = await startConnector();
    await expect
      .poll(async () => (await jobs(survivor)).find((job) => job.kind === "fetch-users")?.state, {
        interval: 200,
      })
      .toBe("done");
    const users = (await hullUsers()).filter((user) =>
      user.anonymous_ids.some((id) => id.startsWith("intercom:")),
    );
    expect(users).toHaveLength(2000);
    const { requests } = (await (await fetch(`${intercom.url}/_sandbox/requests`)).json()) as {
      requests: {
        path: string;
        status: number;
        body: { pagination?: { starting_after?: string } };
      }[];
    };
    const searches = requests.filter(
      (request) => request.path === "/contacts/search" && request.status === 200,
    );
    expect(searches.filter((request) => !request.body.pagination?.starting_after)).toHaveLength(1);
    // A hang-catcher only (4 wait ceilings, test/helpers/wait.ts): the waits inside fail first.
  }, 240_000);

  it("leaves a half-sent extract to another process, which sends the rest, each user once", async () => {
    const emails = Array.from({ length: 300 }, (_, index) => `extract-${index}@example.com`);
    await post(
      `${hull.url}/_sandbox/users`,
      emails.map((email) => ({ claims: { email }, attributes: { wave: "extract" } })),
    );
    const segment = (
      (await (
        await post(`${hull.url}/_sandbox/segments`, {
          name: "Extract wave",
          query: { wave: "extract" },
        })
      ).json()) as { id: string }
    ).id;
    await post(`${intercom.url}/_sandbox/faults`, { delay_ms: 20, share: 1, path: "/contacts" });
    const doomed = processes.at(-1)!;
    await post(`${hull.url}/_sandbox/notify`, { segment_id: segment, extract: true });
    const sent = async () => {
      const { contacts } = (await (await fetch(`${intercom.url}/_sandbox/contacts`)).json()) as {
        contacts: { email: string }[];
      };
      return contacts.filter((contact) => contact.email.startsWith("extract-"));
    };
    await expect
      .poll(async () => (await sent()).length, { interval: 100 })
      .toBeGreaterThanOrEqual(60);
    await doomed.kill();
    await post(`${intercom.url}/_sandbox/faults`, {});
    await startConnector();
    await expect.poll(async () => (await sent()).length, { interval: 250 }).toBe(emails.length);
    expect(new Set((await sent()).map((contact) => contact.email)).size).toBe(emails.length);
    // A hang-catcher only (4 wait ceilings, test/helpers/wait.ts): the waits inside fail first.
  }, 240_000);

  it("loses no acknowledged webhook of a burst it was killed in", async () => {
    const victim = processes.at(-1)!;
    const contact = (
      (await (
        await post(`${intercom.url}/_sandbox/contacts`, {
          contacts: [{ role: "user", email: "burst@example.com", external_id: "burst-1" }],
        })
      ).json()) as { ids: string[] }
    ).ids[0]!;
    let acknowledgedSoFar = 0;
    const send = async (index: number) => {
      const envelope = conversationNotification(intercom.appId, contact, `burst ${index}`, {
        id: `notif_burst_${index}`,
        conversationId: String(index),
      });
      try {
        const response = await deliverSigned(victim.url, intercom.clientSecret, envelope);
        if (response.status === 200) acknowledgedSoFar += 1;
        return response.status === 200 ? index : undefined;
      } catch {
        return undefined; // the process died before answering: Intercom would retry it
      }
    };
    const sending = Promise.all(Array.from({ length: 300 }, (_, index) => send(index)));
    await expect.poll(() => acknowledgedSoFar, { interval: 5 }).toBeGreaterThanOrEqual(20);
    await victim.kill();
    const acknowledged = (await sending).filter((index): index is number => index !== undefined);
    expect(acknowledged.length).toBeGreaterThanOrEqual(20);
    await startConnector();
    const burstEvents = async () =>
      (await hullUsers()).flatMap((user) =>
        user.events.filter((event) => String(event.properties.message ?? "").startsWith("burst ")),
      );
    await expect
      .poll(async () => (await burstEvents()).length)
      .toBeGreaterThanOrEqual(acknowledged.length);
    const messages = (await burstEvents()).map((event) => event.properties.message as string);
    for (const index of acknowledged)
      expect(messages.filter((message) => message === `burst ${index}`)).toHaveLength(1);
    // A hang-catcher only (4 wait ceilings, test/helpers/wait.ts): the waits inside fail first.
  }, 240_000);
});
