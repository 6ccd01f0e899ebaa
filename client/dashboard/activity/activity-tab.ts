import type { DashboardApi } from "../api";
import { h, fill, uid } from "../dom";
import type { ActivityEntry, ActivityFilter, ActivityKind } from "../types";
import {
  entryNotes,
  KIND_LABELS,
  describePerson,
  formatExact,
  formatRelative,
  kindLabel,
  outcomeBadge,
} from "../view/activity-view";

const PAGE_SIZE = 50;

export interface ActivityTabDeps {
  api: Pick<DashboardApi, "activity">;
  /** Turns a failed call into the message to show (and handles an expired session). */
  report(error: unknown): string;
  now?: () => number;
}

/**
 * The Activity tab: the connector's timeline, newest first — when (relative, exact on hover),
 * what, who, why and what to do — with a kind filter, a search by email or id, and "Load more".
 */
export function createActivityTab({ api, report, now = Date.now }: ActivityTabDeps) {
  const kindId = uid("activity-kind");
  const searchId = uid("activity-search");
  const kind = h(
    "select",
    { class: "input", attrs: { id: kindId } },
    h("option", { attrs: { value: "" } }, "Everything"),
    ...Object.entries(KIND_LABELS).map(([value, label]) =>
      h("option", { attrs: { value } }, label),
    ),
  );
  const search = h("input", {
    class: "input",
    attrs: {
      id: searchId,
      type: "search",
      placeholder: "Email, Hull or Intercom id, or a word",
      autocomplete: "off",
      maxlength: 200,
    },
  });
  const status = h("p", { class: "muted activity-status", attrs: { role: "status" } });
  const list = h("ol", { class: "timeline", attrs: { "aria-label": "Activity" } });
  const more = h(
    "button",
    {
      class: "button button-secondary",
      attrs: { type: "button", hidden: true },
      on: { click: () => void load(true) },
    },
    "Load more",
  );
  const refresh = h(
    "button",
    {
      class: "button button-secondary",
      attrs: { type: "button" },
      on: { click: () => void load(false) },
    },
    "Refresh",
  );
  const form = h(
    "form",
    {
      class: "activity-filters",
      attrs: { role: "search" },
      on: {
        submit: (event) => {
          event.preventDefault();
          void load(false);
        },
      },
    },
    h(
      "div",
      { class: "activity-filter" },
      h("label", { class: "cell-label", attrs: { for: kindId } }, "Show"),
      kind,
    ),
    h(
      "div",
      { class: "activity-filter activity-search" },
      h("label", { class: "cell-label", attrs: { for: searchId } }, "Search"),
      search,
    ),
    h(
      "div",
      { class: "activity-filter-actions" },
      h("button", { class: "button button-primary", attrs: { type: "submit" } }, "Search"),
      refresh,
    ),
  );
  const element = h(
    "div",
    { class: "panel" },
    h(
      "section",
      { class: "card" },
      h("h2", { class: "card-title" }, "Activity log"),
      h(
        "p",
        { class: "field-hint" },
        "What the connector did and why: users sent or skipped, webhooks, fetches, settings and connection changes.",
      ),
      form,
      status,
      list,
      h("div", { class: "actions timeline-more" }, more),
    ),
  );

  let next: string | undefined;
  let loaded = false;
  let generation = 0;
  kind.addEventListener("change", () => void load(false));
  // Clearing the search box (its × or emptying it) shows everything again.
  search.addEventListener("search", () => void load(false));

  function filter(): ActivityFilter {
    const q = search.value.trim();
    return {
      limit: PAGE_SIZE,
      ...(kind.value ? { kind: kind.value as ActivityKind } : {}),
      ...(q ? { q } : {}),
    };
  }

  async function load(append: boolean) {
    const mine = (generation += 1);
    const query = { ...filter(), ...(append && next ? { before: next } : {}) };
    more.disabled = true;
    if (!append) fill(status, "Loading…");
    try {
      const page = await api.activity(query);
      if (mine !== generation) return; // a newer search is on its way
      loaded = true;
      next = page.next_before;
      const items = page.entries.map((entry) => renderEntry(entry, now(), searchFor));
      if (append) list.append(...items);
      else fill(list, ...items);
      more.hidden = next === undefined;
      const shown = list.children.length;
      fill(
        status,
        shown === 0
          ? query.q || query.kind
            ? "Nothing matches this search in the kept activity."
            : "Nothing has happened yet."
          : `${shown} ${shown === 1 ? "entry" : "entries"}${next ? "" : ", the oldest kept included"}.`,
      );
    } catch (error) {
      if (mine === generation) fill(status, `Could not load the activity: ${report(error)}`);
    } finally {
      more.disabled = false;
    }
  }

  /** Shows the entries about one person (a person's name in the timeline links here). */
  function searchFor(text: string) {
    search.value = text;
    kind.value = "";
    return load(false);
  }

  return { element, load: () => load(false), loaded: () => loaded, searchFor };
}

function renderEntry(
  entry: ActivityEntry,
  now: number,
  searchFor: (text: string) => Promise<void>,
) {
  const badge = outcomeBadge(entry.outcome);
  const person = describePerson(entry.person);
  return h(
    "li",
    { class: `entry entry-${badge.tone}`, attrs: { "data-kind": entry.kind } },
    h(
      "div",
      { class: "entry-head" },
      h(
        "time",
        { class: "entry-time", attrs: { datetime: entry.at, title: formatExact(entry.at) } },
        formatRelative(entry.at, now),
      ),
      h("span", { class: "entry-kind" }, kindLabel(entry.kind)),
      badge.label ? h("span", { class: `badge badge-${badge.tone}` }, badge.label) : null,
    ),
    h("p", { class: "entry-message" }, entry.message),
    person
      ? h(
          "p",
          { class: "entry-person" },
          h(
            "button",
            {
              class: "link-button",
              attrs: { type: "button", title: `Show everything about ${person.name}` },
              on: { click: () => void searchFor(person.name) },
            },
            person.name,
          ),
          person.ids.length > 0
            ? h("span", { class: "muted" }, ` · ${person.ids.join(" · ")}`)
            : null,
        )
      : null,
    entry.reason
      ? h(
          "p",
          { class: "entry-reason" },
          h("span", { class: "entry-label" }, "Why: "),
          entry.reason,
        )
      : null,
    ...entryNotes(entry).map((note) =>
      h("p", { class: "entry-note" }, h("span", { class: "entry-label" }, "Note: "), note),
    ),
    entry.hint
      ? h(
          "p",
          { class: "entry-hint" },
          h("span", { class: "entry-label" }, "What to do: "),
          entry.hint,
        )
      : null,
    entry.by ? h("p", { class: "entry-by muted" }, `By ${entry.by}`) : null,
  );
}
