// The fetch orchestrator with its ports replaced by fakes: Intercom's search pages, Hull's firehose
// and settings, and the job's checkpoint store. A fetch stopped at a checkpoint resumes at the
// next page and writes every contact once.
import { describe, expect, it } from "vitest";
import { createActivityLog } from "../../../../server/activity";
import type { IntercomApi } from "../../../../server/clients/intercom/api";
import type { IntercomConnections } from "../../../../server/clients/intercom/connections";
import type { ContactList, IntercomContact } from "../../../../server/clients/intercom/types";
import { ConfigurationError, RetryableError } from "../../../../server/errors";
import { createFetchHandler } from "../../../../server/incoming/fetch/fetch-contacts";
import { JobAborted, type JobControl } from "../../../../server/jobs/job-runner";
import type { StoredJob } from "../../../../server/jobs/types";
import { createLogger } from "../../../../server/log";
import { CREDENTIALS, fakeDeadLetters, fakeFirehose, fakeHull } from "../../../helpers/fakes";

const CONNECTED = {
  access_token: "token",
  intercom_workspace: { app_id: "a86dr8yl", region: "US" },
};

const contact = (n: number, updatedAt = 1_767_000_000 + n): IntercomContact => ({
  type: "contact",
  id: `c${n}`,
  external_id: `customer-${n}`,
  role: "user",
  email: `person${n}@example.com`,
  updated_at: updatedAt,
  custom_attributes: { plan: "pro" },
});

/** Intercom's search as pages chained by `starting_after`; records each page asked for. */
function fakeIntercom(pages: Record<string, IntercomContact[]>, order: string[]) {
  const fake = {
    asked: [] as (string | undefined)[],
    failuresBeforeSuccess: 0,
    connections: undefined as unknown as IntercomConnections,
  };
  const api = {
    me: async () => ({ app: { timezone: "Europe/London" } }),
    async searchContacts(_query: unknown, after?: string): Promise<ContactList> {
      fake.asked.push(after);
      if (fake.failuresBeforeSuccess > 0) {
        fake.failuresBeforeSuccess--;
        throw new RetryableError("Intercom answered 429", 2000);
      }
      const key = after ?? order[0]!;
      const next = order[order.indexOf(key) + 1];
      return {
        type: "list",
        data: pages[key]!,
        total_count: Object.values(pages).flat().length,
        pages: { next: next ? { starting_after: next } : null },
      };
    },
  } as unknown as IntercomApi;
  fake.connections = {
    forWorkspace: () => api,
    forToken: () => api,
    pacerOf: () => undefined,
  } as unknown as IntercomConnections;
  return fake;
}

/** A job control that keeps every checkpoint, as the job store would; `abortAfter` pages. */
function fakeControl(job: StoredJob, abortAfter = Infinity) {
  const controller = new AbortController();
  const saved: Record<string, unknown>[] = [];
  const control: JobControl = {
    signal: controller.signal,
    async checkpoint(update) {
      if (update.checkpoint) job.checkpoint = { ...job.checkpoint, ...update.checkpoint };
      if (update.progress) job.progress = { ...job.progress, ...update.progress };
      saved.push(structuredClone(job.checkpoint));
      if (saved.length >= abortAfter) controller.abort();
    },
  };
  return { control, saved };
}

function newJob(mode: "full" | "incremental" = "full"): StoredJob {
  return {
    id: "job-1",
    connectorId: CREDENTIALS.id,
    kind: "fetch-users",
    mode,
    state: "running",
    params: {},
    checkpoint: {},
    progress: { fetched: 0, errors: 0 },
    credentials: CREDENTIALS,
  };
}

function setup(
  settings: Record<string, unknown> = CONNECTED,
  outbox?: { holds(connectorId: string): Promise<boolean> },
) {
  const pages = { p1: [contact(1), contact(2)], p2: [contact(3), contact(4)], p3: [contact(5)] };
  const intercom = fakeIntercom(pages, ["p1", "p2", "p3"]);
  const firehose = fakeFirehose();
  const hull = fakeHull(settings);
  const slept: number[] = [];
  const handler = createFetchHandler(
    {
      intercom: intercom.connections,
      hullClient: () => hull.client,
      firehose: firehose.writer,
      deadLetters: fakeDeadLetters().store,
      activity: createActivityLog(),
      logger: createLogger("silent"),
      // An hour after the contacts were updated: inside a fresh install's first look-back.
      now: () => new Date((1_767_000_000 + 3600) * 1000),
      sleep: async (ms) => void slept.push(ms),
      outbox,
    },
    "user",
  );
  const writtenIds = () =>
    firehose.written
      .filter((entry) => entry.type === "traits")
      .map((entry) => entry.claims.anonymous_id);
  return { intercom, firehose, hull, handler, writtenIds, slept };
}

describe("fetching contacts", () => {
  it("writes every page to Hull and checkpoints after each one", async () => {
    const { handler, writtenIds } = setup();
    const job = newJob();
    const { control, saved } = fakeControl(job);
    await handler(job, control);
    expect(writtenIds()).toEqual(["c1", "c2", "c3", "c4", "c5"].map((id) => `intercom:${id}`));
    expect(saved.map((checkpoint) => checkpoint.cursor)).toEqual(["p2", "p3", undefined]);
    expect(job.progress).toMatchObject({ fetched: 5, written: 5, total: 5 });
  });

  it("stopped at a checkpoint, resumes at the next page and writes each contact once", async () => {
    const { handler, writtenIds, intercom } = setup();
    const job = newJob();
    // The process goes away after the first page is in Hull.
    await expect(handler(job, fakeControl(job, 1).control)).rejects.toBeInstanceOf(JobAborted);
    expect(writtenIds()).toEqual(["intercom:c1", "intercom:c2"]);
    expect(job.checkpoint).toMatchObject({ cursor: "p2", written: 2, done: false });

    intercom.asked.length = 0;
    await handler(job, fakeControl(job).control);
    expect(intercom.asked).toEqual(["p2", "p3"]);
    expect(writtenIds()).toEqual(["c1", "c2", "c3", "c4", "c5"].map((id) => `intercom:${id}`));
    expect(job.progress).toMatchObject({ fetched: 5, written: 5 });
  });

  it("resumes from a stored checkpoint without asking for the pages before it", async () => {
    const { handler, writtenIds, intercom } = setup();
    const job = newJob();
    job.checkpoint = { window: {}, timezone: null, cursor: "p3", written: 4 };
    job.progress = { fetched: 4, written: 4, errors: 0 };
    await handler(job, fakeControl(job).control);
    expect(intercom.asked).toEqual(["p3"]);
    expect(writtenIds()).toEqual(["intercom:c5"]);
    expect(job.progress).toMatchObject({ fetched: 5, written: 5 });
  });

  it("waits out Intercom's rate limit on a page instead of failing the fetch", async () => {
    const { handler, writtenIds, intercom, slept } = setup();
    intercom.failuresBeforeSuccess = 2;
    const job = newJob();
    await handler(job, fakeControl(job).control);
    expect(slept).toEqual([2000, 2000]);
    expect(writtenIds()).toHaveLength(5);
  });

  // Kind: older data replayed over newer (ADR 026). Webhooks kept while Hull was down are older
  // than what a fetch reads now; a page waits until its connector's are in Hull.
  it("writes no page while the outbox holds its connector's webhooks: the job tries again from its checkpoint", async () => {
    let holding = false;
    const outbox = {
      holds: async (connectorId: string) => holding && connectorId === CREDENTIALS.id,
    };
    const { handler, writtenIds, intercom } = setup(CONNECTED, outbox);
    const job = newJob();
    // The first page is in Hull; then webhooks are kept (Hull went down and came back).
    const first = fakeControl(job);
    const checkpoint = first.control.checkpoint;
    first.control.checkpoint = async (update) => {
      await checkpoint(update);
      holding = true;
    };
    await expect(handler(job, first.control)).rejects.toThrow(/still being written/);
    expect(writtenIds()).toEqual(["intercom:c1", "intercom:c2"]);
    // Once they are in Hull, the retry reads the next page again, fresh, and writes it.
    holding = false;
    intercom.asked.length = 0;
    await handler(job, fakeControl(job).control);
    expect(intercom.asked).toEqual(["p2", "p3"]);
    expect(writtenIds()).toEqual(["c1", "c2", "c3", "c4", "c5"].map((id) => `intercom:${id}`));
  });

  it("throws ConfigurationError, having written nothing, when Intercom is not connected", async () => {
    const { handler, firehose } = setup({});
    const job = newJob();
    await expect(handler(job, fakeControl(job).control)).rejects.toBeInstanceOf(ConfigurationError);
    expect(firehose.calls).toBe(0);
  });

  it("an incremental run stores its cursor, its edge and the custom attribute names it saw", async () => {
    const { handler, hull } = setup();
    const job = newJob("incremental");
    await handler(job, fakeControl(job).control);
    expect(hull.settingsWrites).toHaveLength(1);
    expect(hull.settingsWrites[0]).toMatchObject({
      custom_attributes: ["plan"],
      last_updated_at: new Date((1_767_000_000 + 5) * 1000).toISOString(),
      fetch_edges: { users: expect.objectContaining({ c5: 1_767_000_005 }) },
    });
  });
});
