import { describe, expect, it } from "vitest";
import { createActivityLog } from "../../../server/activity";
import { EntriesRefused, type FirehoseWriter } from "../../../server/clients/hull/firehose";
import type { FirehoseEntry } from "../../../server/clients/hull/types";
import type { DeadLetterStore, NewDeadLetter } from "../../../server/durable/dead-letters";
import { writeToHull } from "../../../server/durable/write-to-hull";
import { RetryableError } from "../../../server/errors";
import { createLogger } from "../../../server/log";

const credentials = {
  id: "5f0c1a2b3c4d5e6f7a8b9c0d",
  organization: "acme.hullapp.io",
  secret: "s",
};
const entry = (email: string): FirehoseEntry => ({ type: "traits", claims: { email }, body: {} });

/** A firehose whose every write waits for the test to settle it. */
function heldFirehose() {
  const held: { resolve(): void; reject(error: unknown): void }[] = [];
  const firehose: FirehoseWriter = {
    write: () => new Promise<void>((resolve, reject) => held.push({ resolve, reject })),
    flush: async () => undefined,
  };
  return { firehose, held };
}

function memoryDeadLetters() {
  const added: NewDeadLetter[] = [];
  const store: DeadLetterStore = {
    add: async (_connector, letters) => void added.push(...letters),
    list: async () => ({ total: added.length, letters: [] }),
    get: async () => undefined,
    remove: async () => undefined,
    count: async () => added.length,
  };
  return { store, added };
}

const depsWith = (firehose: FirehoseWriter, deadLetters: DeadLetterStore) => ({
  firehose,
  deadLetters,
  activity: createActivityLog(),
  logger: createLogger("silent"),
});

describe("writeToHull(deps, credentials, entries, source, {budgetMs})", () => {
  it("answers 'late' while Hull has still not answered, and leaves the write running (issue 16, finding 8)", async () => {
    const { firehose, held } = heldFirehose();
    const { store, added } = memoryDeadLetters();
    const outcome = await writeToHull(
      depsWith(firehose, store),
      credentials,
      [entry("a@x.io")],
      "webhook",
      {
        budgetMs: 20,
      },
    );
    expect(outcome).toMatchObject({ kind: "late" });
    expect(held).toHaveLength(1);
    // Its later refusal is only logged: the caller kept the entries in the outbox, whose replay decides.
    held[0]!.reject(new EntriesRefused([{ entry: entry("a@x.io"), reason: "bad" }]));
    await new Promise((resolve) => setImmediate(resolve));
    expect(added).toEqual([]);
  });

  it("dead-letters the entries Hull refused, with their reasons, and reports them", async () => {
    const { firehose, held } = heldFirehose();
    const { store, added } = memoryDeadLetters();
    const writing = writeToHull(
      depsWith(firehose, store),
      credentials,
      [entry("a@x.io")],
      "fetch",
      {
        budgetMs: 60_000,
      },
    );
    await expect.poll(() => held.length).toBe(1);
    held[0]!.reject(new EntriesRefused([{ entry: entry("a@x.io"), reason: "bad record" }]));
    expect(await writing).toEqual({
      kind: "written",
      refused: [{ entry: entry("a@x.io"), reason: "bad record" }],
    });
    expect(added).toEqual([{ entry: entry("a@x.io"), reason: "bad record", source: "fetch" }]);
  });

  it("lets an outage through as a RetryableError", async () => {
    const { firehose, held } = heldFirehose();
    const writing = writeToHull(
      depsWith(firehose, memoryDeadLetters().store),
      credentials,
      [entry("a@x.io")],
      "replay",
    );
    await expect.poll(() => held.length).toBe(1);
    held[0]!.reject(new RetryableError("Hull is down"));
    await expect(writing).rejects.toBeInstanceOf(RetryableError);
  });
});
