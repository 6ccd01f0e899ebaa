import { describe, expect, it } from "vitest";
import {
  extractOutcomeLines,
  saveMembersPlan,
  segmentLabel,
  segmentSizeText,
  membersProgress,
} from "../../../../client/dashboard/view/members-plan";
import { formatTime } from "../../../../client/dashboard/view/format";

const segments = [
  { id: "a", name: "Customers", size: 2 },
  { id: "b", name: "VIP", size: 1 },
  { id: "c", name: "Uncounted" },
];

describe("saveMembersPlan(saved, current, segments)", () => {
  it("says what Save will send for each segment added", () => {
    expect(saveMembersPlan([], ["a"], segments)).toBe(
      "Saving will send the 2 current members of Customers to Intercom.",
    );
    expect(saveMembersPlan(["a"], ["a", "b", "c"], segments)).toBe(
      "Saving will send the 1 current member of VIP and the current members of Uncounted to Intercom.",
    );
  });

  it("says nothing when no segment is added (kept, removed or reordered)", () => {
    expect(saveMembersPlan(["a", "b"], ["b", "a"], segments)).toBeUndefined();
    expect(saveMembersPlan(["a", "b"], ["a"], segments)).toBeUndefined();
  });

  it("names a segment Hull no longer lists by its id", () => {
    expect(saveMembersPlan([], ["zz"], segments)).toBe(
      "Saving will send the current members of zz to Intercom.",
    );
  });
});

describe("segmentLabel(segment)", () => {
  it("shows Hull's member count when known", () => {
    expect(segmentLabel(segments[0]!)).toBe("Customers · 2 users");
    expect(segmentLabel(segments[1]!)).toBe("VIP · 1 user");
    expect(segmentLabel(segments[2]!)).toBe("Uncounted");
    expect(segmentSizeText(0)).toBe("0 users");
    expect(segmentSizeText(undefined)).toBeUndefined();
  });
});

describe("extractOutcomeLines(extracts)", () => {
  it("separates requests Hull took from the ones it could not", () => {
    expect(
      extractOutcomeLines([
        { segment_id: "a", name: "Customers", members: 2, requested: true },
        { segment_id: "b", name: "VIP", requested: false, error: "Hull is unreachable" },
      ]),
    ).toEqual({
      good: [
        "Hull is preparing the 2 current members of Customers; they are then sent to Intercom as a job.",
      ],
      bad: ["Hull is unreachable"],
    });
  });
});

describe("membersProgress(jobs, known, expectedJobs, expectedUsers)", () => {
  const job = (
    id: string,
    state: "running" | "done" | "failed",
    fetched: number,
    total?: number,
    errors = 0,
  ) => ({
    id,
    kind: "send-extract",
    state,
    progress: { fetched, errors, ...(total === undefined ? {} : { total }) },
  });
  const old = job("old", "done", 500, 500);

  it("waits for Hull's delivery, ignoring jobs that existed before the request", () => {
    expect(membersProgress([old], new Set(["old"]), 1, 2)).toMatchObject({
      done: 0,
      finished: false,
      text: "Waiting for Hull to deliver the extract…",
    });
  });

  it("counts the new jobs' users against the members Hull counted", () => {
    const view = membersProgress([old, job("a", "running", 1)], new Set(["old"]), 1, 2);
    expect(view).toMatchObject({ done: 1, total: 2, percent: 50, finished: false });
    expect(view.text).toBe("Sending to Intercom: 1 of 2 users…");
    expect(
      membersProgress([job("a", "running", 1)], new Set(), 1, undefined).percent,
    ).toBeUndefined();
  });

  it("says a send that met an outage goes on by itself, and when", () => {
    const at = "2026-12-01T12:00:00Z";
    const waiting = {
      ...job("a", "running", 40),
      state: "queued" as const,
      error: "Could not download the extract: Hull answered 503",
      retry: { attempts: 2, at },
    };
    const view = membersProgress([waiting], new Set(), 1, 100);
    expect(view.finished).toBe(false);
    expect(view.text).toBe(
      `Sending to Intercom: 40 of 100 users… Could not download the extract: Hull answered 503; the connector tries again by itself at ${formatTime(at)}.`,
    );
  });

  it("ends when every expected job has ended, saying if one failed", () => {
    const two = [job("a", "done", 2, 2), job("b", "running", 0)];
    expect(membersProgress(two, new Set(), 2, 3).finished).toBe(false);
    const ended = membersProgress(
      [job("a", "done", 2, 2), job("b", "done", 1, 1)],
      new Set(),
      2,
      3,
    );
    expect(ended).toMatchObject({
      done: 3,
      total: 3,
      percent: 100,
      finished: true,
      outcome: "good",
    });
    expect(ended.text).toBe("Sent 3 users to Intercom.");
    const failed = membersProgress([job("a", "failed", 1, 1)], new Set(), 1, 2);
    expect(failed.text).toBe(
      "Sent 1 user to Intercom; 1 of the jobs failed (see the Dashboard tab).",
    );
    expect(failed.outcome).toBe("bad");
  });

  it("does not call a job that ended with every user refused by Intercom a success", () => {
    // GET /jobs after Intercom answered 400 to each POST /contacts: done, 2 handled, 2 errors.
    const view = membersProgress([job("a", "done", 2, 2, 2)], new Set(), 1, 2);
    expect(view).toMatchObject({ done: 2, errors: 2, finished: true, outcome: "bad" });
    expect(view.text).toBe(
      "Sent 0 of 2 users to Intercom; 2 were refused by Intercom or not sent (see the Activity tab).",
    );
  });

  it("says how many of the users were sent when Intercom refused some", () => {
    const view = membersProgress(
      [job("a", "done", 3, 3, 1), job("b", "done", 2, 2)],
      new Set(),
      2,
      5,
    );
    expect(view).toMatchObject({ done: 5, errors: 1, outcome: "partial" });
    expect(view.text).toBe(
      "Sent 4 of 5 users to Intercom; 1 was refused by Intercom or not sent (see the Activity tab).",
    );
    const running = membersProgress([job("a", "running", 3, undefined, 1)], new Set(), 1, 5);
    expect(running.text).toBe("Sending to Intercom: 3 of 5 users… 1 not sent so far.");
    expect(running.outcome).toBeUndefined();
  });
});
