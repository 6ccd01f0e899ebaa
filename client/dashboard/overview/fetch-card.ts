import { h, fill } from "../dom";
import type { FetchKind, Job } from "../types";
import { describeJob, formatTime, latestJobs } from "../view/format";

const KINDS: { kind: FetchKind; jobKind: string; label: string; hint: string }[] = [
  {
    kind: "users",
    jobKind: "fetch-users",
    label: "Fetch all users",
    hint: "Imports every Intercom user into Hull and refreshes the attribute list.",
  },
  {
    kind: "leads",
    jobKind: "fetch-leads",
    label: "Fetch all leads",
    hint: "Imports every Intercom lead into Hull.",
  },
  {
    kind: "companies",
    jobKind: "fetch-companies",
    label: "Fetch all companies",
    hint: "Imports every Intercom company into Hull as an account, linked to its contacts.",
  },
];

const finished = (state: string | undefined) => state === "done" || state === "failed";

/**
 * Whether the message a click showed ("Fetching all Intercom users.") is over: the latest job of
 * its kind has finished, and it is not the job that had already finished before the click. Pure.
 */
export function startMessageIsOver(
  before: { id: string; state: string } | undefined,
  latest: Job | undefined,
): boolean {
  if (!latest || !finished(latest.state)) return false;
  return latest.id !== before?.id || !finished(before.state);
}

/** Buttons for full fetches, each with the progress of its latest job. */
export function createFetchCard(startFetch: (kind: FetchKind) => Promise<string | undefined>) {
  const result = h("p", { class: "card-result", attrs: { role: "status" } });
  const notConnected = h(
    "p",
    { class: "notice notice-info", attrs: { hidden: true } },
    "Connect Intercom first: fetches read from the connected workspace.",
  );
  let connected = true;
  const running = new Set<FetchKind>();
  let jobsSeen: Job[] = [];
  // The click whose message is shown, and the latest job of its kind at that moment.
  let shownFor: { jobKind: string; before?: { id: string; state: string } } | undefined;
  const rows = KINDS.map((spec) => {
    const progress = h("div", { class: "job", attrs: { hidden: true } });
    const button = h(
      "button",
      {
        class: "button button-secondary",
        attrs: { type: "button" },
        on: {
          click: async () => {
            running.add(spec.kind);
            button.disabled = true;
            const before = latestJobs(jobsSeen).get(spec.jobKind);
            try {
              const message = (await startFetch(spec.kind)) ?? "";
              shownFor = message
                ? {
                    jobKind: spec.jobKind,
                    before: before && { id: before.id, state: before.state },
                  }
                : undefined;
              fill(result, message);
            } finally {
              running.delete(spec.kind);
              button.disabled = !connected;
            }
          },
        },
      },
      spec.label,
    );
    const element = h(
      "div",
      { class: "fetch-row" },
      h("div", { class: "fetch-head" }, button, h("p", { class: "field-hint" }, spec.hint)),
      progress,
    );
    return { spec, element, progress, button };
  });
  const element = h(
    "section",
    { class: "card" },
    h("h2", { class: "card-title" }, "Fetch from Intercom"),
    notConnected,
    ...rows.map((row) => row.element),
    result,
  );

  return {
    element,
    update(jobs: Job[], isConnected: boolean) {
      connected = isConnected;
      notConnected.hidden = connected;
      jobsSeen = jobs;
      const latest = latestJobs(jobs);
      if (shownFor && startMessageIsOver(shownFor.before, latest.get(shownFor.jobKind))) {
        shownFor = undefined;
        fill(result);
      }
      for (const row of rows) {
        row.button.disabled = !connected || running.has(row.spec.kind);
        const job = latest.get(row.spec.jobKind);
        row.progress.hidden = !job;
        if (job) fill(row.progress, ...renderJob(job, row.spec.label));
      }
    },
  };
}

function renderJob(job: Job, label: string) {
  const view = describeJob(job);
  const bar = h("div", {
    class: `progress-bar progress-${view.tone}`,
    attrs: { style: view.percent === undefined ? undefined : `width: ${view.percent}%` },
  });
  return [
    h(
      "div",
      { class: "job-line" },
      h("span", { class: `badge badge-${view.tone}` }, view.stateLabel),
      h("span", { class: "job-summary" }, view.summary),
      view.errors ? h("span", { class: "job-errors" }, view.errors) : null,
    ),
    h(
      "div",
      {
        class: view.percent === undefined ? "progress progress-indeterminate" : "progress",
        attrs: {
          role: "progressbar",
          "aria-label": `${label} progress`,
          "aria-valuemin": 0,
          "aria-valuemax": 100,
          "aria-valuenow": view.percent,
        },
      },
      bar,
    ),
    job.error ? h("p", { class: "field-error" }, job.error) : null,
    job.started_at
      ? h("p", { class: "muted small" }, `Started ${formatTime(job.started_at)}`)
      : null,
  ];
}
