import { describe, expect, it } from "vitest";
import {
  describeJob,
  formatDuration,
  formatTime,
  humanizeKey,
  latestJobs,
  regionLabel,
  statusBadge,
} from "../../../../client/dashboard/view/format";
import type { Job } from "../../../../client/dashboard/types";

const job = (patch: Partial<Job>): Job => ({
  id: "j1",
  kind: "fetch-users",
  state: "running",
  progress: { fetched: 0, errors: 0 },
  ...patch,
});

describe("describeJob(job)", () => {
  it("shows progress, rate and time left for a running job with a known total", () => {
    expect(
      describeJob(
        job({ progress: { fetched: 1200, total: 4800, rate_per_s: 150.4, eta_s: 24, errors: 0 } }),
      ),
    ).toEqual({
      percent: 25,
      stateLabel: "Running",
      tone: "info",
      summary: "1,200 of 4,800 contacts · 150/s · about 24 s left",
      errors: undefined,
    });
  });

  it("says a job waiting after a transient failure will try again, how often it tried and when next", () => {
    const at = "2026-12-01T11:30:00Z";
    const view = describeJob(
      job({
        state: "queued",
        error: "Hull answered 503",
        retry: { attempts: 3, at },
        progress: { fetched: 900, errors: 0 },
      }),
    );
    expect(view).toMatchObject({ stateLabel: "Will try again", tone: "warn" });
    expect(view.summary).toBe(`900 contacts · 3 tries so far, the next at ${formatTime(at)}`);
    expect(describeJob(job({ state: "queued", retry: { attempts: 1, at } })).summary).toContain(
      "1 try so far",
    );
    expect(describeJob(job({ state: "queued" })).stateLabel).toBe("Queued");
  });

  it("leaves the percentage undefined while the total is unknown", () => {
    expect(describeJob(job({ progress: { fetched: 10, errors: 0 } })).percent).toBeUndefined();
  });

  it("reports a finished job as complete with its duration, and as done only without errors", () => {
    const clean = describeJob(
      job({ state: "done", duration_s: 125, progress: { fetched: 300, errors: 0 } }),
    );
    expect(clean).toMatchObject({ percent: 100, tone: "good", stateLabel: "Done" });
    expect(clean.errors).toBeUndefined();
    expect(clean.summary).toBe("300 contacts · in 2 min");
    // Records Hull refused: the job ended, but not as a success.
    const refused = describeJob(
      job({ state: "done", duration_s: 125, progress: { fetched: 300, errors: 2 } }),
    );
    expect(refused).toMatchObject({
      percent: 100,
      tone: "warn",
      stateLabel: "Done, with errors",
      errors: "2 errors",
    });
  });

  it("says how many contacts were read and how many written when they differ", () => {
    expect(
      describeJob(
        job({ state: "done", duration_s: 3, progress: { fetched: 450, written: 2, errors: 0 } }),
      ).summary,
    ).toBe("450 contacts read · 2 written to Hull · in 3 s");
    expect(
      describeJob(job({ state: "done", progress: { fetched: 300, written: 300, errors: 0 } }))
        .summary,
    ).toBe("300 contacts");
  });

  it("marks a failed job bad and says 1 error in the singular", () => {
    expect(
      describeJob(job({ state: "failed", progress: { fetched: 0, errors: 1 } })),
    ).toMatchObject({
      stateLabel: "Failed",
      tone: "bad",
      errors: "1 error",
    });
  });
});

describe("latestJobs(jobs)", () => {
  it("keeps the most recently started job of each kind, a queued one counting as newest", () => {
    const latest = latestJobs([
      job({ id: "old", state: "done", started_at: "2025-01-01T00:00:00Z" }),
      job({ id: "new", started_at: "2025-02-01T00:00:00Z" }),
      job({ id: "lead", kind: "fetch-leads", started_at: "2025-02-01T00:00:00Z" }),
      job({ id: "lead-queued", kind: "fetch-leads", state: "queued" }),
    ]);
    expect(latest.get("fetch-users")?.id).toBe("new");
    expect(latest.get("fetch-leads")?.id).toBe("lead-queued");
  });
});

describe("small formatters", () => {
  it("formatDuration(seconds) rounds to what a person reads", () => {
    expect(formatDuration(42)).toBe("42 s");
    expect(formatDuration(90)).toBe("2 min");
    expect(formatDuration(3600)).toBe("1 h");
    expect(formatDuration(7500)).toBe("2 h 5 min");
  });

  it("humanizeKey(key) turns counter keys into labels", () => {
    expect(humanizeKey("users_updated")).toBe("Users updated");
    expect(humanizeKey("webhooksReceived")).toBe("Webhooks received");
  });

  it("regionLabel(region) names Intercom's regions and keeps unknown ones", () => {
    expect(regionLabel("EU")).toBe("Europe (EU)");
    expect(regionLabel("MARS")).toBe("MARS");
  });

  it("statusBadge(status) maps Hull statuses to tones", () => {
    expect(statusBadge("setupRequired")).toEqual({ label: "Setup required", tone: "info" });
    expect(statusBadge("error").tone).toBe("bad");
  });
});
