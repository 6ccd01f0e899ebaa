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

const timedItem = (entry: { at: string; message: string }, className: string) =>
  h(
    "li",
    { class: className },
    h("time", { attrs: { datetime: entry.at } }, formatTime(entry.at)),
    h("span", {}, entry.message),
  );

/** Counters of recent activity, users waiting for Intercom, what went out, the latest errors. */
export function createActivityCard() {
  const waiting = h("p", { class: "waiting", attrs: { hidden: true } });
  const counters = h("dl", { class: "counters" });
  const notes = h("ul", { class: "notes" });
  const errors = h("ul", { class: "errors" });
  const element = h(
    "section",
    { class: "card" },
    h("h2", { class: "card-title" }, "Recent activity"),
    waiting,
    counters,
    notes,
    h("h3", { class: "subtitle" }, "Recent errors"),
    errors,
  );
  return {
    element,
    update(activity: Overview["activity"], outgoing?: Overview["outgoing"]) {
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
      fill(notes, ...(activity.recent_activity ?? []).map((note) => timedItem(note, "note-item")));
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
          ? activity.recent_errors.map((error) => timedItem(error, "error-item"))
          : [h("li", { class: "muted" }, "No errors.")]),
      );
    },
  };
}
