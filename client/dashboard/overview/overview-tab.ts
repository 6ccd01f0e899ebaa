import { h, fill } from "../dom";
import type { FetchKind, Overview } from "../types";
import { createConnectionCard, type ConnectionActions } from "./connection-card";
import { createDeadLettersCard } from "./dead-letters-card";
import { createFetchCard } from "./fetch-card";
import { createActivityCard, createStatusCard } from "./status-card";

export interface OverviewTabDeps extends ConnectionActions {
  startFetch(kind: FetchKind): Promise<string | undefined>;
  /** Offers a refused record to Hull again; resolves with what to tell the person. */
  retryDeadLetter(id: string): Promise<string>;
  /** Shows the Activity tab. */
  openActivity(): void;
}

/** The Dashboard tab: cards updated in place from each overview poll. */
export function createOverviewTab(deps: OverviewTabDeps) {
  const connection = createConnectionCard(deps);
  const status = createStatusCard();
  const fetches = createFetchCard(deps.startFetch);
  const activity = createActivityCard(deps.openActivity);
  const deadLetters = createDeadLettersCard(deps.retryDeadLetter);
  const loading = h("p", { class: "loading" }, "Loading…");
  const grid = h(
    "div",
    { class: "grid", attrs: { hidden: true } },
    connection.element,
    status.element,
    fetches.element,
    activity.element,
    deadLetters.element,
  );
  const element = h("div", { class: "panel" }, loading, grid);

  return {
    element,
    connection,
    deadLetters,
    update(overview: Overview) {
      loading.remove();
      grid.hidden = false;
      connection.update(overview.connection);
      status.update(overview.status);
      fetches.update(overview.jobs ?? [], overview.connection.connected);
      activity.update(overview.activity, overview.outgoing);
    },
    /** A failed load before anything was shown replaces the spinner text. */
    showLoadError(message: string) {
      if (grid.hidden) fill(loading, message);
    },
  };
}
