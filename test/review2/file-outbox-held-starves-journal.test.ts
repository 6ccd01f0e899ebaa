// Review 2 finding (fix 2094767, ConnectorHeld): the file outbox's drain offers the draining file
// alone whenever that file still holds records, and renames the journal (where every append since
// the last drain sits) only once the draining file is empty. A held connector's records are
// rewritten into the draining file, so every later drain offers only them, is held again, and
// never reaches the journal: another connector's records appended after the first drain wait for
// the held connector's late write to settle (up to ~62 s of firehose retries, and again for every
// connector that goes late next while Hull is slow). Meanwhile that other connector `holds`, so all
// its new webhooks queue too, and its fetches write no page. The fix says "the drain goes on with
// the other connectors'": it does only for records already in the draining file.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createActivityLog } from "../../server/activity";
import type { FirehoseWriter } from "../../server/clients/hull/firehose";
import type { FirehoseEntry, HullCredentials } from "../../server/clients/hull/types";
import { createFileOutbox } from "../../server/durable/file-outbox";
import { replayOutbox } from "../../server/durable/replay-outbox";
import { createLateWrites } from "../../server/durable/write-to-hull";
import { createLogger } from "../../server/log";
import { fakeDeadLetters } from "../helpers/fakes";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

const tenant = (id: string): HullCredentials => ({
  id,
  organization: "acme.hullapp.io",
  secret: `secret-${id}`,
});
const entry = (name: string): FirehoseEntry => ({
  type: "traits",
  claims: { external_id: name },
  body: { "intercom/name": name },
});

describe("the file outbox's drain while one connector is held by its late write", () => {
  it("replays another connector's records appended after a drain that found the first held", async () => {
    const dir = await mkdtemp(join(tmpdir(), "review2-file-held-"));
    dirs.push(dir);
    const slow = tenant("aaaaaaaaaaaaaaaaaaaaaaaa");
    const other = tenant("bbbbbbbbbbbbbbbbbbbbbbbb");
    const written: string[] = [];
    const firehose: FirehoseWriter = {
      async write(_credentials, entries) {
        for (const one of entries) written.push(String(one.claims.external_id));
      },
      flush: async () => undefined,
    };
    const outbox = createFileOutbox(dir, "a-long-enough-secret");
    const lateWrites = createLateWrites();
    const deps = {
      firehose,
      outbox,
      lateWrites,
      deadLetters: fakeDeadLetters().store,
      activity: createActivityLog(),
      logger: createLogger("silent"),
    };
    // The slow connector's webhook outlasted its budget: marked (in flight), and kept.
    await lateWrites.track(slow.id, new Promise(() => undefined));
    await outbox.append(slow, [entry("slow-1")]);
    // A replay tick: the slow connector is held, its record stays.
    await replayOutbox(deps, createLogger("silent"));
    expect(written).toEqual([]);

    // Another connector's webhook is kept afterwards (Hull was down a moment), then replay ticks.
    await outbox.append(other, [entry("other-1")]);
    for (let tick = 0; tick < 3; tick++) await replayOutbox(deps, createLogger("silent"));

    // Hull is up and nothing of the other connector is in flight: its record must be replayed.
    expect(written, "the other connector's record waits behind the held one").toContain("other-1");
    expect(await outbox.holds(other.id)).toBe(false);
  });
});
