import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import { conversationNotification, deliverSigned } from "../helpers/intercom-webhooks";
import { startTestStack, type Stack } from "../helpers/stack";

// Issue 16, findings 1, 2, 3 and 8, end to end on a real (tiny) filesystem: DATA_DIR is a 1 MB
// tmpfs mounted for this file (CI runs as root on this machine), filled up for real. Every webhook
// the connector acknowledges is counted, and each must reach Hull exactly once: after a full disk,
// a poison record and a restart.

type HullUser = {
  email: string | null;
  external_id: string | null;
  anonymous_ids: string[];
  events: { event: string; properties: Record<string, unknown> }[];
};
type DeadLetterRow = { id: string; source: string; reason: string; who: string; what: string };

const mountPoint = mkdtempSync(join(tmpdir(), "durable-faults-"));
let stack: Stack;
let userId: string;
const acknowledged = new Set<string>();
const json = { "content-type": "application/json" };
const post = async (url: string, body: unknown = {}) => {
  const response = await fetch(url, { method: "POST", headers: json, body: JSON.stringify(body) });
  return (await response.json().catch(() => undefined)) as Record<string, unknown>;
};
const hull = (path: string, body: unknown) => post(`${stack.urls.hull}${path}`, body);
const hullUsers = async () =>
  (await (await fetch(`${stack.urls.hull}/_sandbox/users`)).json()) as HullUser[];
const deadLetters = async () =>
  (await (
    await fetch(`${stack.urls.connector}/admin/api/dead-letters?${stack.credentialsQuery}`)
  ).json()) as { total: number; letters: DeadLetterRow[] };

/** A conversation reply webhook as Intercom sends it; remembered when it is acknowledged. */
async function sendReply(message: string): Promise<{ status: number; outcome?: string }> {
  const envelope = conversationNotification(stack.intercom.appId, userId, message, {
    id: `notif_${message}`,
  });
  const response = await deliverSigned(stack.urls.connector, stack.intercom.clientSecret, envelope);
  const body = (await response.json().catch(() => ({}))) as { outcome?: string };
  if (response.status === 200) acknowledged.add(message);
  return { status: response.status, outcome: body.outcome };
}

/** Creates Intercom contacts; Intercom's own webhooks for them go to the connector. */
async function createContacts(contacts: Record<string, unknown>[]): Promise<string[]> {
  return (await post(`${stack.urls.intercom}/_sandbox/contacts`, { contacts })).ids as string[];
}

/** Waits until Intercom (the stand-in) has had every webhook it sent acknowledged. */
async function allWebhooksAcknowledged() {
  await expect
    .poll(
      async () => {
        const { deliveries } = (await (
          await fetch(`${stack.urls.intercom}/_sandbox/webhooks`)
        ).json()) as { deliveries: { delivered: boolean }[] };
        return deliveries.every((delivery) => delivery.delivered);
      },
      { timeout: 30_000, interval: 100 },
    )
    .toBe(true);
}

/** Fills the filesystem to the last byte, as another program would. */
function fillDisk(): string {
  const filler = join(mountPoint, "filler");
  const fd = openSync(filler, "w");
  try {
    for (const size of [65_536, 4096, 1]) {
      const chunk = Buffer.alloc(size, 0x41);
      for (;;) writeSync(fd, chunk);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
  return filler;
}

beforeAll(async () => {
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", mountPoint]);
  stack = await startTestStack({ dataDir: mountPoint });
  await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
  [userId] = await createContacts([{ role: "user", email: "ada@example.com", external_id: "a-1" }]);
}, 60_000);

afterAll(async () => {
  await stack?.close();
  execFileSync("umount", ["-l", mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

describe("a fetch meeting records Hull refuses (finding 3)", () => {
  it("writes the rest of the page, dead-letters the refused contact with Hull's reason, and finishes", async () => {
    await hull("/_sandbox/faults", { refuse_claims: { email: "refused-fetch@example.com" } });
    await post(`${stack.urls.intercom}/_sandbox/contacts`, { count: 320, role: "user" });
    await createContacts([
      { role: "user", email: "blank-fetch@example.com", external_id: "   " },
      { role: "user", email: "refused-fetch@example.com", external_id: "r-1" },
    ]);
    const started = await post(`${stack.urls.connector}/fetch-all?${stack.credentialsQuery}`);
    expect(started.started).toBe(true);
    await expect
      .poll(
        async () => {
          const { jobs } = (await (
            await fetch(`${stack.urls.connector}/jobs?${stack.credentialsQuery}`)
          ).json()) as { jobs: { kind: string; state: string }[] };
          return jobs.find((job) => job.kind === "fetch-users")?.state;
        },
        { timeout: 60_000, interval: 200 },
      )
      .toBe("done");
    const users = await hullUsers();
    // The contact with a blank external_id is cleaned (the claim dropped), not refused.
    expect(users.find((user) => user.email === "blank-fetch@example.com")).toMatchObject({
      external_id: null,
    });
    expect(users.some((user) => user.email === "refused-fetch@example.com")).toBe(false);
    expect(
      users.filter((user) => user.anonymous_ids.some((id) => id.startsWith("intercom:"))),
    ).toHaveLength(1 + 320 + 1); // Ada, the generated contacts and the blank one
    const { letters } = await deadLetters();
    expect(letters.filter((letter) => letter.source === "fetch")).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          who: expect.stringContaining("refused-fetch@example.com"),
          reason: expect.stringMatching(/refused by the sandbox control/),
        }),
      ]),
    );
    await hull("/_sandbox/faults", {});
  }, 90_000);
});

/** Waits until every acknowledged reply is in Hull, then checks each is there exactly once. */
async function everyAcknowledgedReplyInHullOnce() {
  const replies = async () =>
    (await hullUsers()).flatMap((user) =>
      user.events.map((event) => event.properties.message as string),
    );
  await expect
    .poll(
      async () => {
        const seen = new Set(await replies());
        return [...acknowledged].filter((message) => !seen.has(message));
      },
      { timeout: 60_000, interval: 500 },
    )
    .toEqual([]);
  const seen = await replies();
  for (const message of acknowledged)
    expect(
      seen.filter((found) => found === message),
      message,
    ).toHaveLength(1);
}

describe("webhooks while Hull is down and the disk fills up (finding 1)", () => {
  it("answers 5xx while nothing can be kept, and delivers every acknowledged webhook exactly once", async () => {
    await hull("/_sandbox/faults", { status: 503 });
    for (const index of [1, 2, 3])
      expect(await sendReply(`before the full disk ${index}`)).toEqual({
        status: 200,
        outcome: "queued",
      });

    const filler = fillDisk();
    // Appends that still fit in the journal's last page are durable (200); the first that does not
    // is torn by the full disk, and from then on nothing can be kept: Intercom must retry (5xx).
    let refusals = 0;
    for (let index = 1; index <= 60 && refusals < 3; index++) {
      const { status } = await sendReply(`while the disk is full ${index}`);
      if (status !== 200) {
        expect(status).toBeGreaterThanOrEqual(500);
        refusals += 1;
      }
    }
    expect(refusals).toBe(3);

    rmSync(filler);
    for (const index of [1, 2, 3])
      expect((await sendReply(`after space returned ${index}`)).status).toBe(200);
    await hull("/_sandbox/faults", {});
    await everyAcknowledgedReplyInHullOnce();
    expect(acknowledged.size).toBeGreaterThanOrEqual(6);
  }, 120_000);
});

describe("poison records queued while Hull is down, and a restart (finding 2)", () => {
  it("never lets a record Hull refuses block the ones behind it; it is dead-lettered and can be retried", async () => {
    await hull("/_sandbox/faults", { status: 503 });
    // A contact whose external_id is whitespace (Hull refuses the blank claim), and one Hull
    // refuses for good (the stand-in's refuse_claims control, set once Hull is back).
    await createContacts([
      { role: "user", email: "blank-id@example.com", external_id: "  " },
      { role: "user", email: "poison@example.com", external_id: "p-1" },
    ]);
    for (const index of [1, 2, 3])
      expect((await sendReply(`behind the poison ${index}`)).status).toBe(200);
    await allWebhooksAcknowledged();

    await stack.restartConnector();
    for (const index of [1, 2])
      expect((await sendReply(`after the restart ${index}`)).status).toBe(200);

    await hull("/_sandbox/faults", { refuse_claims: { email: "poison@example.com" } });
    await everyAcknowledgedReplyInHullOnce();
    await expect
      .poll(
        async () => (await hullUsers()).filter((user) => user.email === "blank-id@example.com"),
        {
          timeout: 30_000,
        },
      )
      .toHaveLength(1);
    expect((await hullUsers()).some((user) => user.email === "poison@example.com")).toBe(false);
    const poison = (await deadLetters()).letters.find((letter) =>
      letter.who.includes("poison@example.com"),
    );
    expect(poison).toMatchObject({ source: "replay", what: "traits" });

    // The dashboard's Retry, once Hull takes the record: it is written and leaves the store.
    await hull("/_sandbox/faults", {});
    const retried = await post(
      `${stack.urls.connector}/admin/api/dead-letters/${poison!.id}/retry?${stack.credentialsQuery}`,
    );
    expect(retried).toEqual({ outcome: "written" });
    expect((await hullUsers()).filter((user) => user.email === "poison@example.com")).toHaveLength(
      1,
    );
    expect((await deadLetters()).letters.map((letter) => letter.id)).not.toContain(poison!.id);
  }, 120_000);
});

describe("a slow Hull (finding 8)", () => {
  it("acknowledges within the connector's budget, before Hull answers, and Hull gets the event once", async () => {
    // Hull holds the next firehose request 8 s: past the 3 s budget, within the writer's timeout.
    await hull("/_sandbox/faults", { delay_ms: 8000, count: 1 });
    expect(await sendReply("while Hull is slow")).toEqual({ status: 200, outcome: "queued" });
    const copies = async () =>
      (await hullUsers()).flatMap((user) =>
        user.events.filter((event) => event.properties.message === "while Hull is slow"),
      );
    const attempts = async () =>
      (
        (await (await fetch(`${stack.urls.hull}/_sandbox/firehose`)).json()) as {
          body?: { properties?: { message?: string } };
        }[]
      ).filter((entry) => entry.body?.properties?.message === "while Hull is slow").length;
    // Both the late write and the outbox's copy reach Hull; Hull keeps one event (same event_id).
    await expect.poll(attempts, { timeout: 60_000, interval: 250 }).toBeGreaterThanOrEqual(2);
    expect(await copies()).toHaveLength(1);
  }, 90_000);
});
