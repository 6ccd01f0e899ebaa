// Every outcome of one Intercom webhook, with the connector's ports replaced by recording fakes
// (test/helpers/fakes.ts): what reaches Hull, the outbox, the dead letters and the deduplicator.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createActivityLog } from "../../../../server/activity";
import type { AuthenticateOptions } from "../../../../server/clients/hull/authenticate";
import { RetryableError, UnauthorizedError } from "../../../../server/errors";
import {
  createNotificationReceiver,
  HULL_BUDGET_MS,
  WEBHOOK_AUTH_BUDGET_MS,
} from "../../../../server/incoming/webhook/receive-notification";
import { createLogger } from "../../../../server/log";
import { APP_ID, envelope, modernLead, modernUser } from "../../../fixtures/intercom/webhooks";
import {
  CREDENTIALS,
  fakeDeadLetters,
  fakeDeduplicator,
  fakeFirehose,
  fakeHull,
  fakeOutbox,
  fakeRegistry,
} from "../../../helpers/fakes";

const CONNECTED = {
  access_token: "token",
  intercom_workspace: { app_id: APP_ID, region: "US" },
  custom_attributes: ["plan"],
};

function setup(options: { settings?: Record<string, unknown>; hullBudgetMs?: number } = {}) {
  const firehose = fakeFirehose();
  const outbox = fakeOutbox();
  const dedupe = fakeDeduplicator();
  const deadLetters = fakeDeadLetters();
  const hull = fakeHull(options.settings ?? CONNECTED);
  const activity = createActivityLog();
  const receiver = createNotificationReceiver({
    registry: fakeRegistry({ [APP_ID]: [CREDENTIALS] }),
    hullAuth: hull.auth,
    hullClient: () => hull.client,
    firehose: firehose.writer,
    deduplicator: dedupe.deduplicator,
    outbox: outbox.outbox,
    deadLetters: deadLetters.store,
    activity,
    logger: createLogger("silent"),
    now: () => new Date("2026-02-01T00:00:00Z"),
    hullBudgetMs: options.hullBudgetMs,
  });
  const counters = async () => (await activity.snapshot(CREDENTIALS.id)).counters;
  return { firehose, outbox, dedupe, deadLetters, hull, receiver, counters, activity };
}

const userUpdated = (id: string | null = "notif_1", item = modernUser()) =>
  envelope("contact.user.created", item, id);

describe("receiving a notification", () => {
  it("writes the contact to Hull and remembers the notification", async () => {
    const { receiver, firehose, outbox, dedupe, counters } = setup();
    await expect(receiver.receive(userUpdated())).resolves.toEqual({ outcome: "written" });
    expect(firehose.written).toHaveLength(1);
    expect(firehose.written[0]).toMatchObject({
      type: "traits",
      claims: { anonymous_id: "intercom:6762f0dd1bb69f9f2193bb83", email: "ada@example.com" },
    });
    expect(outbox.kept).toEqual([]);
    expect(dedupe.calls).toEqual([`claim ${APP_ID}:notif_1`, `remember ${APP_ID}:notif_1`]);
    expect(await counters()).toMatchObject({ "webhooks received": 1, "webhook user updates": 1 });
  });

  it("records custom attribute names it had not seen, in the background", async () => {
    const { receiver, hull } = setup();
    await receiver.receive(userUpdated());
    await expect
      .poll(() => hull.settingsWrites)
      .toEqual([{ custom_attributes: ["nested", "plan", "seats"] }]);
  });

  it("keeps the entries in the outbox and acknowledges when Hull is slower than the budget", async () => {
    const { receiver, firehose, outbox, dedupe, counters } = setup({ hullBudgetMs: 1 });
    firehose.mode = "slow";
    await expect(receiver.receive(userUpdated())).resolves.toEqual({ outcome: "queued" });
    expect(outbox.kept).toHaveLength(1);
    expect(outbox.kept[0]!.entries[0]).toMatchObject({ type: "traits" });
    expect(dedupe.calls.at(-1)).toBe(`remember ${APP_ID}:notif_1`);
    expect((await counters())["webhooks waiting for Hull"]).toBe(1);
  });

  it("keeps the entries in the outbox when Hull is down", async () => {
    const { receiver, firehose, outbox } = setup();
    firehose.mode = "down";
    firehose.failure = new RetryableError("Hull's firehose answered 503", 5000);
    await expect(receiver.receive(userUpdated())).resolves.toEqual({ outcome: "queued" });
    expect(outbox.kept).toHaveLength(1);
  });

  it("asks Intercom to retry (RetryableError) and lets the retry in when even the outbox fails", async () => {
    const { receiver, firehose, outbox, dedupe } = setup();
    firehose.mode = "down";
    firehose.failure = new RetryableError("down");
    outbox.failing = true;
    await expect(receiver.receive(userUpdated())).rejects.toBeInstanceOf(RetryableError);
    expect(dedupe.calls.at(-1)).toBe(`release ${APP_ID}:notif_1`);
    // The retry is not a duplicate.
    firehose.mode = "accept";
    outbox.failing = false;
    await expect(receiver.receive(userUpdated())).resolves.toEqual({ outcome: "written" });
  });

  it("answers a redelivery as a duplicate and writes nothing more", async () => {
    const { receiver, firehose } = setup();
    await receiver.receive(userUpdated());
    await expect(receiver.receive(userUpdated())).resolves.toEqual({ outcome: "duplicate" });
    expect(firehose.calls).toBe(1);
  });

  it("writes a notification without an id every time (nothing to deduplicate by)", async () => {
    const { receiver, firehose, dedupe } = setup();
    await receiver.receive(userUpdated(null));
    await receiver.receive(userUpdated(null));
    expect(firehose.calls).toBe(2);
    expect(dedupe.calls).toEqual([]);
  });

  it("dead-letters the entries Hull refuses and acknowledges the rest", async () => {
    const { receiver, firehose, deadLetters } = setup();
    // A lead's webhook writes its traits and its visitor alias; Hull refuses the alias.
    firehose.refuses = (entry) => entry.type === "alias";
    const outcome = await receiver.receive(envelope("contact.created", modernLead()));
    expect(outcome).toEqual({ outcome: "written" });
    expect(deadLetters.added).toHaveLength(1);
    expect(deadLetters.added[0]).toMatchObject({
      source: "webhook",
      reason: "refused by the fake",
      entry: { type: "alias" },
    });
    expect(firehose.written.map((entry) => entry.type)).toEqual(["traits"]);
  });

  it.each([
    ["a topic the connector does not handle", envelope("admin.away_mode_updated", { id: "1" })],
    ["a contact without an id (blank identifiers)", userUpdated("n2", modernUser({ id: "" }))],
    ["an item that is not an object (bad data)", envelope("contact.user.created", "oops" as never)],
    ["a conversation without a contact", envelope("conversation.user.created", { id: "c1" })],
  ])("ignores %s and writes nothing", async (_name, notification) => {
    const { receiver, firehose, outbox } = setup();
    await expect(receiver.receive(notification)).resolves.toEqual({ outcome: "ignored" });
    expect(firehose.calls).toBe(0);
    expect(outbox.kept).toEqual([]);
  });

  it("ignores a notification for a workspace the connector is no longer connected to", async () => {
    const { receiver, firehose } = setup({
      settings: { intercom_workspace: { app_id: "another", region: "US" } },
    });
    await expect(receiver.receive(userUpdated())).resolves.toEqual({ outcome: "ignored" });
    expect(firehose.calls).toBe(0);
  });

  it("reads the settings again once Hull answers new ones (settings are parsed once per answer)", async () => {
    const { receiver, hull, firehose } = setup();
    await receiver.receive(userUpdated("n1"));
    // The connector moved to another workspace: Hull's next answer carries new private_settings.
    hull.connector = {
      ...hull.connector,
      private_settings: { ...CONNECTED, intercom_workspace: { app_id: "another", region: "US" } },
    };
    await expect(receiver.receive(userUpdated("n2"))).resolves.toEqual({ outcome: "ignored" });
    expect(firehose.calls).toBe(1);
  });

  it("skips a connector Hull no longer knows, without making Intercom retry", async () => {
    const { receiver, hull, firehose, dedupe } = setup();
    hull.refuse = new UnauthorizedError("Hull does not know this connector");
    await expect(receiver.receive(userUpdated())).resolves.toEqual({ outcome: "ignored" });
    expect(firehose.calls).toBe(0);
    expect(dedupe.calls.at(-1)).toBe(`remember ${APP_ID}:notif_1`);
  });

  it("lets Intercom retry when Hull cannot confirm the connector yet", async () => {
    const { receiver, hull, dedupe, activity } = setup();
    hull.refuse = new RetryableError("Hull is unreachable");
    await expect(receiver.receive(userUpdated())).rejects.toBeInstanceOf(RetryableError);
    expect(dedupe.calls.at(-1)).toBe(`release ${APP_ID}:notif_1`);
    expect((await activity.snapshot(CREDENTIALS.id)).recent_errors[0]?.message).toContain(
      "could not be written to Hull",
    );
  });

  it("answers pings and unknown workspaces without touching Hull", async () => {
    const { receiver, firehose } = setup();
    await expect(receiver.receive(envelope("ping", {}))).resolves.toEqual({ outcome: "ping" });
    await expect(receiver.receive({ ...userUpdated(), app_id: "nobody" })).resolves.toEqual({
      outcome: "unknown-workspace",
    });
    expect(firehose.calls).toBe(0);
  });
});

// ADR 032: confirming the connector with Hull has a budget, and it is part of the webhook's one
// budget for Hull; the firehose gets what is left. The clock here is the receiver's own (`now`),
// moved by the test: nothing is timed.
describe("the webhook's budget for Hull", () => {
  /** `setup()` with hullAuth recording its options, `onAuth` run inside it, and a clock. */
  function budgeted(options: {
    hullBudgetMs?: number;
    webhookAuthBudgetMs?: number;
    onAuth?: (told: AuthenticateOptions) => void;
  }) {
    const parts = setup();
    let clock = Date.parse("2026-02-01T00:00:00Z");
    const asked: AuthenticateOptions[] = [];
    const lines: string[] = [];
    const logged = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
        done();
      },
    });
    const receiver = createNotificationReceiver({
      registry: fakeRegistry({ [APP_ID]: [CREDENTIALS] }),
      hullAuth: {
        ...parts.hull.auth,
        async authenticate(credentials, told = {}) {
          asked.push(told);
          options.onAuth?.(told);
          return parts.hull.auth.authenticate(credentials);
        },
      },
      hullClient: () => parts.hull.client,
      firehose: parts.firehose.writer,
      deduplicator: parts.dedupe.deduplicator,
      outbox: parts.outbox.outbox,
      deadLetters: parts.deadLetters.store,
      activity: parts.activity,
      logger: createLogger("info", logged),
      now: () => new Date(clock),
      hullBudgetMs: options.hullBudgetMs,
      webhookAuthBudgetMs: options.webhookAuthBudgetMs,
    });
    return {
      ...parts,
      receiver,
      asked,
      lines,
      advance: (ms: number) => (clock += ms),
    };
  }

  it("asks Hull to confirm the connector within the authentication budget, and within the Hull budget when no last answer can stand in", async () => {
    const { receiver, asked } = budgeted({ hullBudgetMs: 3000, webhookAuthBudgetMs: 2000 });
    await receiver.receive(userUpdated());
    expect(asked).toEqual([
      expect.objectContaining({ budgetMs: 2000, budgetWithoutLastAnswerMs: 3000 }),
    ]);
    const defaults = budgeted({});
    await defaults.receiver.receive(userUpdated());
    expect(defaults.asked[0]).toMatchObject({
      budgetMs: WEBHOOK_AUTH_BUDGET_MS,
      budgetWithoutLastAnswerMs: HULL_BUDGET_MS,
    });
    expect(WEBHOOK_AUTH_BUDGET_MS).toBeLessThan(HULL_BUDGET_MS);
  });

  it("gives the firehose only what confirming the connector left of the Hull budget", async () => {
    // The Hull budget is longer than the test's own limit: only confirming the connector, which
    // moves the receiver's clock past it here, can have spent it.
    const spent = budgeted({ hullBudgetMs: 600_000, onAuth: () => spent.advance(600_000) });
    spent.firehose.mode = "slow";
    await expect(spent.receiver.receive(userUpdated())).resolves.toEqual({ outcome: "queued" });
    expect(spent.outbox.kept).toHaveLength(1);
    expect(spent.firehose.calls).toBe(1);
  });

  it("says once per connector, without secrets, that Hull's last answer stood in", async () => {
    const { receiver, lines } = budgeted({
      onAuth: (told) => told.onLastAnswerUsed?.(),
    });
    await receiver.receive(userUpdated("notif_1"));
    await receiver.receive(userUpdated("notif_2"));
    await receiver.receive(userUpdated("notif_3"));
    const said = lines.filter((line) => line.includes("within the webhook's budget"));
    expect(said).toHaveLength(1);
    expect(JSON.parse(said[0]!)).toMatchObject({
      level: 40,
      connector: CREDENTIALS.id,
      budgetMs: WEBHOOK_AUTH_BUDGET_MS,
    });
    expect(lines.join("\n")).not.toContain(CREDENTIALS.secret);
    expect(lines.join("\n")).not.toContain("access_token");
  });
});
