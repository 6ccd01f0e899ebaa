import { describe, expect, it } from "vitest";
import {
  changedSettings,
  eventAndTagEntries,
  recordJobEnds,
  hintForSkip,
  userOutcomeEntry,
  userSkippedEntry,
  webhookEntry,
} from "../../../server/activity-entries";
import { createActivityLog } from "../../../server/activity";
import { readActivityQuery } from "../../../server/admin/activity-query";
import { JobAborted } from "../../../server/jobs/execute-job";
import type { StoredJob } from "../../../server/jobs/types";
import { BadRequestError, RetryableError, UnauthorizedError } from "../../../server/errors";
import { describePageError } from "../../../server/http/html-errors";
import { OrganizationDisabledError } from "../../../server/clients/hull/rest";

describe("activity entries", () => {
  it("a skipped user carries the filter's reason and what to do", () => {
    const entry = userSkippedEntry(
      { userId: "u1", code: "not-in-segment", reason: "not in a synchronized segment" },
      { email: "ada@example.com" },
    );
    expect(entry).toMatchObject({
      kind: "user",
      outcome: "skipped",
      person: { hull_id: "u1", email: "ada@example.com" },
      reason: "not in a synchronized segment",
    });
    expect(entry.hint).toMatch(/Synchronized segments/);
    expect(hintForSkip("loop-guard")).toBeUndefined();
    // The hint follows the code, not the wording: a reworded reason keeps its hint.
    expect(
      userSkippedEntry({ userId: "u1", code: "archived", reason: "reworded entirely" }).hint,
    ).toMatch(/Unarchive contacts/);
    expect(
      userOutcomeEntry({
        userId: "u1",
        created: false,
        events: 0,
        tagged: 0,
        untagged: 0,
        problems: [],
        warnings: [],
        skipped: "archived in Intercom (unarchive_contacts is off)",
        skipCode: "archived",
      }).hint,
    ).toMatch(/Unarchive contacts/);
  });

  it("a refused user says Intercom's reason; a sent one what went out", () => {
    const base = { userId: "u1", created: false, events: 2, tagged: 1, untagged: 0, warnings: [] };
    expect(
      userOutcomeEntry({ ...base, problems: ["contact: Intercom answered 400"] }),
    ).toMatchObject({ outcome: "failed", reason: "contact: Intercom answered 400" });
    expect(userOutcomeEntry({ ...base, created: true, problems: [] }).message).toBe(
      "Contact created in Intercom · 2 event(s) sent · 1 tag(s) applied",
    );
    expect(userOutcomeEntry({ ...base, problems: [] }).message).toBe(
      "Contact updated in Intercom · 2 event(s) sent · 1 tag(s) applied",
    );
    // Kind: an entry claiming a write no request made (reviews, 2026-12-01).
    expect(
      userOutcomeEntry({
        ...base,
        events: 0,
        tagged: 0,
        untagged: 1,
        unchanged: true,
        problems: [],
      }).message,
    ).toBe("No attribute of the contact changed in Intercom · 1 tag(s) removed");
  });

  it("a sent user's events and tags are entries of their own, found by the kind filter", () => {
    const base = { userId: "u1", events: 0, tagged: 0, untagged: 0 };
    expect(eventAndTagEntries(base)).toEqual([]);
    const entries = eventAndTagEntries(
      { ...base, events: 2, tagged: 1, untagged: 1, eventsFailed: 0 },
      { email: "a@x.io" },
    );
    expect(entries.map(({ kind, message }) => [kind, message])).toEqual([
      ["event", "2 event(s) sent to Intercom"],
      ["tag", "Segment tags: 1 applied, 1 removed"],
    ]);
    const refused = eventAndTagEntries({ ...base, eventsFailed: 3, tagsFailed: 1 });
    expect(refused.map(({ kind, outcome }) => [kind, outcome])).toEqual([
      ["event", "failed"],
      ["tag", "failed"],
    ]);
  });

  it("a webhook names its topic and the contact", () => {
    const entry = webhookEntry(
      "contact.user.created",
      { type: "contact", id: "c9", email: "e@x.io" },
      "queued",
    );
    expect(entry).toMatchObject({
      kind: "webhook",
      outcome: "waiting",
      person: { email: "e@x.io", intercom_id: "c9" },
      details: { topic: "contact.user.created" },
    });
    const conversation = webhookEntry(
      "conversation.user.created",
      { type: "conversation", contacts: { contacts: [{ type: "contact", id: "c7" }] } },
      "written",
    );
    expect(conversation.person).toEqual({ intercom_id: "c7" });
  });

  it("settings changes name only the fields whose value changed", () => {
    expect(
      changedSettings(
        { alignment: "right", send_events: ["a"], show_messenger: true },
        { alignment: "left", send_events: ["a"], show_messenger: true },
        ["alignment", "send_events", "show_messenger"],
      ),
    ).toEqual(["alignment"]);
  });
});

describe("readActivityQuery(query)", () => {
  it("reads kind, q, before and limit", () => {
    expect(
      readActivityQuery({
        kind: "user",
        q: "ada",
        before: "1804876170000-0000001-a1b2c3",
        limit: "20",
      }),
    ).toEqual({ kind: "user", q: "ada", before: "1804876170000-0000001-a1b2c3", limit: 20 });
    expect(readActivityQuery({ kind: "", q: "" })).toEqual({});
  });

  it.each([
    [{ kind: "constructor" }, /kind/],
    [{ limit: "0" }, /limit/],
    [{ limit: "5000" }, /limit/],
    [{ before: "../x" }, /before/],
    [{ q: ["a", "b"] }, /q/],
    [{ q: "x".repeat(201) }, /q/],
  ])("refuses %j with a 400 naming the parameter", (query, name) => {
    expect(() => readActivityQuery(query)).toThrow(BadRequestError);
    expect(() => readActivityQuery(query)).toThrow(name);
  });
});

describe("describePageError(error)", () => {
  it("a refused or expired link says to open the dashboard again from Hull", () => {
    const page = describePageError(new UnauthorizedError("Token expired"));
    expect(page.status).toBe(401);
    expect(page.message).toMatch(/Open the dashboard again from Hull/);
  });

  it("a disabled Hull organization says so, not that Hull is unreachable", () => {
    const page = describePageError(new OrganizationDisabledError());
    expect(page.status).toBe(503);
    expect(page.title).toMatch(/disabled/);
  });

  it("Hull unreachable says to reload; an unknown error says nothing internal", () => {
    expect(describePageError(new RetryableError("Hull answered 503")).title).toMatch(/Hull/);
    const page = describePageError(new Error("secret stack detail"));
    expect(page.status).toBe(500);
    expect(page.message).not.toMatch(/secret stack detail/);
  });
});

describe("recordJobEnds(activity): the runner's decision, in the activity log", () => {
  const job = (patch: Partial<StoredJob>): StoredJob =>
    ({
      id: "j1",
      connectorId: "c1",
      kind: "fetch-users",
      mode: "full",
      state: "running",
      params: {},
      checkpoint: {},
      progress: { fetched: 0, errors: 0 },
      started_at: new Date().toISOString(),
      ...patch,
    }) as StoredJob;

  it("records a finished fetch and a failed one with what to do, not a quiet scheduled one", async () => {
    const activity = createActivityLog();
    const onEnd = recordJobEnds(activity);
    onEnd(job({ progress: { fetched: 300, written: 300, errors: 0 } }), "done");
    onEnd(job({ mode: "incremental", progress: { fetched: 0, written: 0, errors: 0 } }), "done");
    onEnd(
      job({ progress: { fetched: 150, errors: 0 } }),
      "failed",
      new Error("Intercom refused the access token"),
    );
    onEnd(job({ progress: { fetched: 20, errors: 0 } }), "paused", new JobAborted());
    const { entries } = await activity.page("c1", { kind: "fetch" });
    expect(
      entries.map(({ outcome, message }) => [outcome, message.replace(/ in \d+ s$/, "")]),
    ).toEqual([
      ["failed", "Fetching users failed after 150 records"],
      ["ok", "Full fetch of users: 300 read from Intercom, 300 written to Hull"],
    ]);
    expect(entries[0]?.reason).toBe("Intercom refused the access token");
    expect(entries[0]?.hint).toMatch(/resumes/);
  });

  it("records a try to come as waiting and a failure as failed, whatever the error's kind", async () => {
    const activity = createActivityLog();
    const onEnd = recordJobEnds(activity);
    const transient = new RetryableError("Hull answered 503 to GET 5f0c1a2b3c4d5e6f7a8b9c0d");
    onEnd(job({ kind: "send-extract", progress: { fetched: 500, errors: 0 } }), "retry", transient);
    // Past the retry window the runner fails a RetryableError too: the entry says what it decided.
    onEnd(job({ kind: "send-extract" }), "failed", transient);
    const { entries } = await activity.page("c1", { kind: "extract" });
    expect(entries.map(({ outcome }) => outcome)).toEqual(["failed", "waiting"]);
    expect(entries[1]?.message).toMatch(/stopped after 500 records, and will go on/);
    expect(entries[1]?.hint).toMatch(/tries again by itself/);
    expect(entries[1]?.reason).toBe("Hull answered 503 to GET 5f0c1a2b3c4d5e6f7a8b9c0d");
    expect(entries[0]?.hint).toMatch(/Send the users again from Hull/);
  });

  it("tells a segment's current members from Hull's manual “Send to Intercom”", async () => {
    const activity = createActivityLog();
    const run = (patch: Partial<StoredJob>) =>
      recordJobEnds(activity)(
        job({ kind: "send-extract", progress: { fetched: 2, errors: 0 }, ...patch }),
        "done",
      );
    run({ params: { url: "https://x.io/e.json" } });
    run({ params: { url: "https://x.io/e.json", segment_id: "c".repeat(24) } });
    const { entries } = await activity.page("c1", { kind: "extract" });
    expect(entries.map(({ message }) => message.replace(/ in \d+ s$/, ""))).toEqual([
      "Sent the current members of a segment: 2 handled",
      "Sent users from Hull's “Send to Intercom”: 2 handled",
    ]);
    expect(entries[0]?.details?.segment_id).toBe("c".repeat(24));
  });

  it("does not call a job that ended with refused records a success", async () => {
    const activity = createActivityLog();
    const onEnd = recordJobEnds(activity);
    const segment = { url: "https://x.io/e.json", segment_id: "c".repeat(24) };
    // Intercom refused every user of a segment's current members (400 to each POST /contacts).
    onEnd(
      job({ kind: "send-extract", params: segment, progress: { fetched: 2, total: 2, errors: 2 } }),
      "done",
    );
    onEnd(job({ kind: "send-extract", progress: { fetched: 5, total: 5, errors: 1 } }), "done");
    onEnd(
      job({ kind: "send-account-extract", progress: { fetched: 3, total: 3, errors: 3 } }),
      "done",
    );
    const { entries } = await activity.page("c1", { kind: "extract" });
    expect(
      entries.map(({ outcome, message }) => [outcome, message.replace(/, in \d+ s$/, "")]),
    ).toEqual([
      [
        "failed",
        "Sent accounts from Hull's “Send to Intercom”: 0 of 3 accounts sent to Intercom, 3 not sent",
      ],
      [
        "failed",
        "Sent users from Hull's “Send to Intercom”: 4 of 5 users sent to Intercom, 1 not sent",
      ],
      [
        "failed",
        "Sent the current members of a segment: 0 of 2 users sent to Intercom, 2 not sent",
      ],
    ]);
    expect(entries[2]).toMatchObject({
      reason: "Intercom refused every one of the 2 users, or they could not be sent",
      hint: expect.stringContaining("user entries"),
      details: { errors: 2, read: 2, segment_id: "c".repeat(24) },
    });
    expect(entries[1]?.reason).toBe("Intercom refused 1 of the 5 users, or they could not be sent");
  });

  it("says a fetch's records Hull refused, even an incremental one that wrote nothing", async () => {
    const activity = createActivityLog();
    const onEnd = recordJobEnds(activity);
    onEnd(job({ progress: { fetched: 10, written: 10, errors: 2 } }), "done");
    onEnd(job({ mode: "incremental", progress: { fetched: 3, written: 0, errors: 3 } }), "done");
    const { entries } = await activity.page("c1", { kind: "fetch" });
    expect(
      entries.map(({ outcome, message }) => [outcome, message.replace(/, in \d+ s$/, "")]),
    ).toEqual([
      [
        "failed",
        "Incremental fetch of users: 3 read from Intercom, 0 written to Hull, 3 refused by Hull",
      ],
      [
        "failed",
        "Full fetch of users: 10 read from Intercom, 10 written to Hull, 2 refused by Hull",
      ],
    ]);
    expect(entries[0]).toMatchObject({
      reason: "Hull refused 3 records of the fetch",
      hint: expect.stringContaining("Records Hull refused"),
    });
  });
});
