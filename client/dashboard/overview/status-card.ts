import { h, fill } from "../dom";
import type { Overview } from "../types";
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
          ? status.messages.map((message) => h("li", {}, message))
          : [h("li", { class: "muted" }, "Everything is running normally.")]),
      );
    },
  };
}

/** Counters of recent activity and the latest errors. */
export function createActivityCard() {
  const counters = h("dl", { class: "counters" });
  const errors = h("ul", { class: "errors" });
  const element = h(
    "section",
    { class: "card" },
    h("h2", { class: "card-title" }, "Recent activity"),
    counters,
    h("h3", { class: "subtitle" }, "Recent errors"),
    errors,
  );
  return {
    element,
    update(activity: Overview["activity"]) {
      const entries = Object.entries(activity.counters);
      fill(
        counters,
        ...(entries.length > 0
          ? entries.map(([key, value]) =>
              h(
                "div",
                { class: "counter" },
                h("dt", {}, humanizeKey(key)),
                h("dd", {}, formatCount(value)),
              ),
            )
          : [h("p", { class: "muted" }, "Nothing has happened yet.")]),
      );
      fill(
        errors,
        ...(activity.recent_errors.length > 0
          ? activity.recent_errors.map((error) =>
              h(
                "li",
                { class: "error-item" },
                h("time", { attrs: { datetime: error.at } }, formatTime(error.at)),
                h("span", {}, error.message),
              ),
            )
          : [h("li", { class: "muted" }, "No errors.")]),
      );
    },
  };
}
