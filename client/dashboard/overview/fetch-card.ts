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
            try {
              fill(result, (await startFetch(spec.kind)) ?? "");
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
      const latest = latestJobs(jobs);
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
