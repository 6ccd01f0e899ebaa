import { describe, expect, it } from "vitest";
import { createActivityLog } from "../../../../server/activity";
import { RetryableError } from "../../../../server/errors";
import { createLogger } from "../../../../server/log";
import type { OutgoingRun } from "../../../../server/outgoing/run/open-outgoing-run";
import { sendUsers } from "../../../../server/outgoing/run/send-users";
import { SEGMENT_B, settings, update, user } from "../builders";

/** A run whose Intercom untags every contact after a pause, except `failing`: a rate limit. */
function contextWhere(failing: string): { ctx: OutgoingRun; untagged: string[] } {
  const untagged: string[] = [];
  const api = {
    async untagContact(contactId: string) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (contactId === failing)
        throw new RetryableError("Intercom's rate limit is exhausted", 5000);
      untagged.push(contactId);
    },
  };
  const ctx = {
    credentials: { id: "c1", organization: "acme.hullapp.io", secret: "s" },
    settings: settings(),
    api,
    logger: createLogger("silent"),
    activity: createActivityLog(),
    tags: {
      mappedTagId: () => "tag-b",
      learnt: () => ({}),
    },
    // Hull takes every write-back (intercom/id, intercom/tags).
    firehose: { write: async () => undefined, flush: async () => undefined },
  } as unknown as OutgoingRun;
  return { ctx, untagged };
}

const users = (count: number) =>
  Array.from({ length: count }, (_, index) => ({
    update: update({
      user: user({ id: `u${index}`, "intercom/id": `contact-${index}`, segment_ids: [] }),
      changes: { isNew: false, user: {}, entered: [], left: [SEGMENT_B] },
    }),
    decision: { send: "tags-only" as const },
  }));

describe("sendUsers(ctx, selection)", () => {
  it("carries on past a transient failure it may tolerate, handing that user back", async () => {
    const send = users(30);
    const { ctx, untagged } = contextWhere("contact-4");
    const { outcomes, unsent, stoppedBy } = await sendUsers(
      ctx,
      { send, skipped: [] },
      { tolerateInARow: 8 },
    );
    expect(stoppedBy).toBeUndefined();
    expect(unsent.map((entry) => entry.update.user.id)).toEqual(["u4"]);
    expect(outcomes).toHaveLength(29);
    expect(untagged).toHaveLength(29);
  });

  it("stops at a rate limit and accounts for every user: done, or handed back unsent", async () => {
    const send = users(40);
    const { ctx, untagged } = contextWhere("contact-11");
    const { outcomes, unsent, stoppedBy } = await sendUsers(ctx, { send, skipped: [] });
    expect(stoppedBy).toBeInstanceOf(RetryableError);
    const done = outcomes.map((outcome) => outcome.userId);
    const kept = unsent.map((entry) => entry.update.user.id);
    expect(kept).toContain("u11");
    expect(done).not.toContain("u11");
    // Nobody lost between the two lists, nobody in both.
    expect([...done, ...kept].sort()).toEqual(send.map((entry) => entry.update.user.id).sort());
    expect(untagged).toHaveLength(done.length);
  });
});
