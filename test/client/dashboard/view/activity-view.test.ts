import { describe, expect, it } from "vitest";
import { startMessageIsOver } from "../../../../client/dashboard/overview/fetch-card";
import type { Job } from "../../../../client/dashboard/types";
import {
  COUNTER_LABELS,
  KIND_LABELS,
  describePerson,
  entryNotes,
  formatRelative,
  headerSubtitle,
  inDashboardVoice,
  orderCounters,
} from "../../../../client/dashboard/view/activity-view";
import { describeJob } from "../../../../client/dashboard/view/format";

const job = (patch: Partial<Job>): Job => ({
  id: "j1",
  kind: "fetch-users",
  state: "running",
  progress: { fetched: 0, errors: 0 },
  ...patch,
});

describe("the dashboard's words for the activity log", () => {
  const now = Date.parse("2027-03-01T12:00:00Z");
  it.each([
    ["2027-03-01T11:59:58Z", "just now"],
    ["2027-03-01T11:59:15Z", "45 s ago"],
    ["2027-03-01T11:57:00Z", "3 min ago"],
    ["2027-03-01T09:30:00Z", "2 h ago"],
    ["2027-02-28T10:00:00Z", "yesterday"],
    ["2027-02-25T10:00:00Z", "4 days ago"],
  ])("formatRelative(%s) is %s", (at, expected) => {
    expect(formatRelative(at, now)).toBe(expected);
  });

  it("names a person by email first, with the other ids beside", () => {
    expect(describePerson({ email: "a@x.io", hull_id: "h1", intercom_id: "c1" })).toEqual({
      name: "a@x.io",
      ids: ["Hull h1", "Intercom c1"],
    });
    expect(describePerson({})).toBeUndefined();
  });

  it("orders known counters first and hides zeros", () => {
    expect(
      orderCounters({ zebra: 1, "outgoing.users.synced": 2, "users fetched": 3, none: 0 }),
    ).toEqual([
      ["users fetched", 3],
      ["outgoing.users.synced", 2],
      ["zebra", 1],
    ]);
  });

  it("does not call every extract Hull's manual “Send to Intercom”: current members come as extracts too", () => {
    expect(KIND_LABELS.extract).not.toMatch(/Send to Intercom/);
    expect(COUNTER_LABELS["outgoing.extracts.completed"]).not.toMatch(/Send to Intercom/);
    expect(COUNTER_LABELS["outgoing.extract.users"]).toMatch(/extract/);
  });

  it("gives a sent user's warnings as notes, which the overview only counts", () => {
    expect(
      entryNotes({
        details: { warnings: ['custom attribute "plan" left out: no such attribute'], events: 1 },
      }),
    ).toEqual(['custom attribute "plan" left out: no such attribute']);
    expect(entryNotes({ details: { events: 1 } })).toEqual([]);
    expect(entryNotes({})).toEqual([]);
  });

  it("never tells someone on the dashboard to open the dashboard", () => {
    expect(
      inDashboardVoice(
        'Intercom is not connected yet: open the dashboard and click "Continue with Intercom".',
      ),
    ).toBe('Intercom is not connected yet: click "Continue with Intercom".');
    expect(
      inDashboardVoice(
        "Intercom refused the access token (the app was uninstalled or access revoked). Reconnect Intercom from the dashboard.",
      ),
    ).not.toMatch(/dashboard/);
  });

  it("does not repeat the title in the header", () => {
    expect(headerSubtitle("Intercom", "Intercom")).toBe("");
    expect(headerSubtitle("Intercom", " intercom ")).toBe("");
    expect(headerSubtitle("Intercom", "Intercom (EU shop)")).toBe("Intercom (EU shop)");
  });
});

describe("stale fetch texts", () => {
  it("a running job whose count reached its total is finishing, not 'about 0 s left'", () => {
    const view = describeJob(
      job({ progress: { fetched: 1350, total: 1350, rate_per_s: 400, eta_s: 0, errors: 0 } }),
    );
    expect(view.summary).toBe("1,350 of 1,350 contacts · 400/s · finishing…");
  });

  it("the click's message is over once a job other than the one finished before it finishes", () => {
    const done = { id: "old", state: "done" };
    expect(startMessageIsOver(done, job({ id: "old", state: "done" }))).toBe(false);
    expect(startMessageIsOver(done, job({ id: "new", state: "running" }))).toBe(false);
    expect(startMessageIsOver(done, job({ id: "new", state: "done" }))).toBe(true);
    expect(startMessageIsOver(undefined, job({ id: "new", state: "failed" }))).toBe(true);
    // "Already running" answered the click: the running job ending ends the message too.
    expect(
      startMessageIsOver({ id: "run", state: "running" }, job({ id: "run", state: "done" })),
    ).toBe(true);
  });
});
