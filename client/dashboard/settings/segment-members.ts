import type { DashboardApi } from "../api";
import { h, fill } from "../dom";
import type { MemberExtract, SegmentOption } from "../types";
import {
  extractOutcomeLines,
  membersProgress,
  saveMembersPlan,
  segmentLabel,
} from "../view/members-plan";

/** How often the jobs are read while members are being sent, and for how long at most (ms). */
const POLL_MS = 1000;
const POLL_CEILING_MS = 15 * 60_000;
/** The bar's colour once the send ended: green only when every user reached Intercom. */
const BAR_TONE = { good: "good", partial: "warn", bad: "bad" } as const;

/**
 * Below the segments whitelist: what Save will send (the current members of segments just
 * added), and "Send current members" for each saved synchronized segment or all of them. The
 * users then arrive as a job on the Overview (docs/adr/018).
 */
export function createSegmentMembers(
  api: Pick<DashboardApi, "sendMembers" | "overview">,
  pollMs = POLL_MS,
) {
  const plan = h("p", { class: "notice notice-info members-plan", attrs: { role: "status" } });
  const intro = h(
    "p",
    { class: "field-hint members-intro" },
    "People already in a segment are sent when you pick it and save. To send them again (say, after a change in Intercom):",
  );
  const list = h("ul", { class: "members-list", attrs: { "aria-label": "Synchronized segments" } });
  const result = h("div", { class: "notice-result members-result", attrs: { role: "status" } });
  const progressText = h("p", { class: "members-progress-text", attrs: { role: "status" } });
  const progressBar = h("div", { class: "progress-bar" });
  const progressTrack = h(
    "div",
    {
      class: "progress",
      attrs: {
        role: "progressbar",
        "aria-label": "Send current members progress",
        "aria-valuemin": 0,
        "aria-valuemax": 100,
      },
    },
    progressBar,
  );
  const progress = h("div", { class: "members-progress" }, progressText, progressTrack);
  progress.hidden = true;
  const element = h("div", { class: "members" }, plan, intro, list, result, progress);
  let busy = false;
  /** Job ids that existed before the last request: the jobs it causes are the others. */
  let known = new Set<string>();
  let tracking = 0;

  /** Notes the jobs that exist now; call before a request that may ask Hull for extracts. */
  async function prepare() {
    try {
      known = new Set((await api.overview()).jobs.map((job) => job.id));
    } catch {
      known = new Set();
    }
  }

  /** Follows the send-extract jobs the requests cause, until they end (or the ceiling). */
  function track(extracts: readonly MemberExtract[]) {
    const requested = extracts.filter((extract) => extract.requested);
    if (requested.length === 0) return;
    const counts = requested.map((extract) => extract.members);
    const expectedUsers = counts.every((count) => count !== undefined)
      ? counts.reduce<number>((sum, count) => sum + (count ?? 0), 0)
      : undefined;
    const run = ++tracking;
    const deadline = Date.now() + POLL_CEILING_MS;
    progress.hidden = false;
    fill(progressText, "Waiting for Hull to deliver the extract…");
    const poll = async () => {
      if (run !== tracking) return;
      try {
        const view = membersProgress(
          (await api.overview()).jobs,
          known,
          requested.length,
          expectedUsers,
        );
        fill(progressText, view.text);
        progressTrack.classList.toggle("progress-indeterminate", view.percent === undefined);
        progressBar.className = `progress-bar${view.outcome ? ` progress-${BAR_TONE[view.outcome]}` : ""}`;
        progressBar.style.width = view.percent === undefined ? "" : `${view.percent}%`;
        if (view.percent === undefined) progressTrack.removeAttribute("aria-valuenow");
        else progressTrack.setAttribute("aria-valuenow", String(view.percent));
        if (view.finished) return;
      } catch {
        // A failed read is retried at the next tick; the jobs go on regardless.
      }
      if (Date.now() < deadline) setTimeout(() => void poll(), pollMs);
    };
    setTimeout(() => void poll(), pollMs);
  }

  async function send(request: { segment_ids: string[] } | { all: true }) {
    if (busy) return;
    busy = true;
    setButtons(true);
    fill(result, h("p", {}, "Asking Hull for the current members…"));
    result.className = "notice notice-info notice-result members-result";
    try {
      await prepare();
      showOutcome((await api.sendMembers(request)).extracts);
    } catch (error) {
      fill(result, h("p", {}, error instanceof Error ? error.message : "Something went wrong."));
      result.className = "notice notice-bad notice-result members-result";
    } finally {
      busy = false;
      setButtons(false);
    }
  }

  function setButtons(disabled: boolean) {
    for (const button of element.querySelectorAll("button")) button.disabled = disabled;
  }

  /** Shows what became of extract requests (after Save or a "Send current members"). */
  function showOutcome(extracts: readonly MemberExtract[]) {
    if (extracts.length === 0) return;
    const { good, bad } = extractOutcomeLines(extracts);
    fill(result, ...[...good, ...bad].map((line) => h("p", {}, line)));
    result.className = `notice ${bad.length > 0 ? "notice-bad" : "notice-info"} notice-result members-result`;
    track(extracts);
  }

  /** Re-renders for the saved whitelist, the one being edited and Hull's segments. */
  function update(saved: readonly string[], current: readonly string[], segments: SegmentOption[]) {
    const text = saveMembersPlan(saved, current, segments);
    fill(plan, text ?? "");
    plan.hidden = text === undefined;
    const rows = saved.map((id) => {
      const segment = segments.find((item) => item.id === id) ?? { id, name: id };
      return h(
        "li",
        { class: "members-row" },
        h("span", {}, segmentLabel(segment)),
        h(
          "button",
          {
            class: "button button-small",
            attrs: { type: "button", "aria-label": `Send current members of ${segment.name}` },
            on: { click: () => void send({ segment_ids: [id] }) },
          },
          "Send current members",
        ),
      );
    });
    if (saved.length > 1) {
      rows.push(
        h(
          "li",
          { class: "members-row" },
          h("span", {}, "All synchronized segments"),
          h(
            "button",
            {
              class: "button button-small",
              attrs: { type: "button" },
              on: { click: () => void send({ all: true }) },
            },
            "Send current members of all",
          ),
        ),
      );
    }
    fill(list, ...rows);
    list.hidden = rows.length === 0;
    intro.hidden = rows.length === 0;
    setButtons(busy);
  }

  /** Whether saving now would ask Hull for members (a segment was added). */
  const plans = () => !plan.hidden;

  return { element, update, showOutcome, prepare, plans };
}
