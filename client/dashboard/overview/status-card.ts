import { h, fill } from "../dom";
import type { Overview } from "../types";
import {
  COUNTER_LABELS,
  formatExact,
  inDashboardVoice,
  orderCounters,
} from "../view/activity-view";
import { formatCount, formatTime, humanizeKey, statusBadge } from "../view/format";

/** The connector's status (as Hull shows it) and its messages. */
export function createStatusCard() {
  const badge = h("span", { class: "badge" });
  const list = h("ul", { class: "messages" });
  const element = h(
    "section",
    { class: "card" },
    h("h2", { class: "card-title" }, "Status ", badge),
    list,
  );
  return {
    element,
    update(status: Overview["status"]) {
      const view = statusBadge(status.status);
      badge.className = `badge badge-${view.tone}`;
      fill(badge, view.label);
      fill(
        list,
        ...(status.messages.length > 0
          ? status.messages.map((message) => h("li", {}, inDashboardVoice(message)))
          : [h("li", { class: "muted" }, "Everything is running normally.")]),
      );
    },
  };
}

const timedItem = (entry: { at: string; message: string }, className: string) =>
  h(
    "li",
    { class: className },
    h(
      "time",
      { attrs: { datetime: entry.at, title: formatExact(entry.at) } },
      formatTime(entry.at),
    ),
    h("span", {}, entry.message),
  );

/**
 * The last day in numbers (counters over the window the server says, persisted, so they agree
 * with the fetch card after a restart), users waiting for Intercom, the latest failures, and the
 * way to the full activity log.
 */
export function createActivityCard(openActivity: () => void) {
  const title = h("h2", { class: "card-title" }, "Last 24 hours");
  const waiting = h("p", { class: "waiting", attrs: { hidden: true } });
  const counters = h("dl", { class: "counters" });
  const errors = h("ul", { class: "errors" });
  const element = h(
    "section",
    { class: "card" },
    title,
    waiting,
    counters,
    h("h3", { class: "subtitle" }, "Latest failures"),
    errors,
    h(
      "div",
      { class: "actions activity-link" },
      h(
        "button",
        {
          class: "button button-secondary",
          attrs: { type: "button" },
          on: { click: openActivity },
        },
        "Open the activity log",
      ),
    ),
  );
  return {
    element,
    update(activity: Overview["activity"], outgoing?: Overview["outgoing"]) {
      const hours = activity.window_hours ?? 24;
      fill(title, hours === 24 ? "Last 24 hours" : `Last ${hours} hours`);
      const users = outgoing?.waiting_users ?? 0;
      waiting.hidden = users === 0;
      fill(
        waiting,
        users === 0
          ? ""
          : `${formatCount(users)} users wait for Intercom's rate budget` +
              (outgoing?.waiting_since ? ` since ${formatTime(outgoing.waiting_since)}` : "") +
              "; they go out as it returns.",
      );
      const entries = orderCounters(activity.counters);
      fill(
        counters,
        ...(entries.length > 0
          ? entries.map(([key, value]) =>
              h(
                "div",
                { class: "counter", attrs: { "data-counter": key } },
                h("dt", {}, COUNTER_LABELS[key] ?? humanizeKey(key)),
                h("dd", {}, formatCount(value)),
              ),
            )
          : [h("p", { class: "muted" }, "Nothing has happened in this time.")]),
      );
      fill(
        errors,
        ...(activity.recent_errors.length > 0
          ? activity.recent_errors.map((error) => timedItem(error, "error-item"))
          : [h("li", { class: "muted" }, "No failures.")]),
      );
    },
  };
}
