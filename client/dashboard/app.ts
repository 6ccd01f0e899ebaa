import { ApiError, type DashboardApi } from "./api";
import { createActivityTab } from "./activity/activity-tab";
import { createTabs } from "./components/tabs";
import { createConnectFlow } from "./connect";
import { h, fill } from "./dom";
import { describeRetry } from "./overview/dead-letters-card";
import { createOverviewTab } from "./overview/overview-tab";
import { createSettingsTab } from "./settings/settings-tab";
import { injectStyles } from "./styles";
import { headerSubtitle } from "./view/activity-view";
import type { FetchKind } from "./types";

export interface DashboardOptions {
  root: HTMLElement;
  api: DashboardApi;
  apiBase: string;
  token: string;
  window: Window;
  /** How often the overview is refreshed while the Dashboard tab is visible. */
  pollMs: number;
}

const TITLE = "Intercom";

export const FETCH_CONFIRM =
  "This can generate a lot of traffic to Intercom and Hull. Start the fetch now?";
export const START_OVER_CONFIRM =
  "Start over? The connector forgets the Intercom workspace and stops syncing until you connect again.";

/** Builds the whole dashboard into `root` and starts polling the overview. */
export function mountDashboard(options: DashboardOptions) {
  const { api, window: win } = options;
  const doc = win.document;
  injectStyles(doc);

  const banner = h("div", { class: "banner", attrs: { role: "alert", hidden: true } });
  const subtitle = h("span", { class: "app-subtitle" });
  let activeTab = "dashboard";
  let timer: ReturnType<typeof setTimeout> | undefined;
  let expired = false;

  function report(error: unknown): string {
    const message = error instanceof Error ? error.message : "Something went wrong.";
    if (error instanceof ApiError && error.status === 401) {
      expired = true;
      stopPolling();
      fill(banner, message);
      banner.hidden = false;
    }
    return message;
  }

  async function startFetch(kind: FetchKind) {
    if (!win.confirm(FETCH_CONFIRM)) return undefined;
    try {
      const response = await api.startFetch(kind);
      void refreshOverview();
      return response.message;
    } catch (error) {
      return report(error);
    }
  }

  const flow = createConnectFlow({
    apiBase: options.apiBase,
    token: options.token,
    window: win,
    onResult(result) {
      if (result.type === "connected") {
        overview.connection.showResult(result.message || "Intercom is connected.");
        void refreshOverview();
      } else {
        overview.connection.showResult(result.message || "Connecting to Intercom failed.");
      }
    },
  });

  const overview = createOverviewTab({
    startFetch,
    async retryDeadLetter(id) {
      try {
        const message = describeRetry(await api.retryDeadLetter(id));
        void refreshOverview();
        return message;
      } catch (error) {
        return report(error);
      }
    },
    connect: () => ({ ...flow.open(), url: flow.url }),
    openActivity: () => tabs.select("activity"),
    async startOver() {
      if (!win.confirm(START_OVER_CONFIRM)) return;
      try {
        await api.disconnect();
        overview.connection.showResult("Intercom was disconnected.");
        await refreshOverview();
      } catch (error) {
        overview.connection.showResult(report(error));
      }
    },
  });
  const settings = createSettingsTab({ api, startFetch });
  const activity = createActivityTab({ api, report });

  async function refreshOverview() {
    try {
      const data = await api.overview();
      fill(subtitle, headerSubtitle(TITLE, data.connector.name));
      overview.update(data);
    } catch (error) {
      overview.showLoadError(report(error));
      return;
    }
    try {
      overview.deadLetters.update(await api.deadLetters());
    } catch (error) {
      overview.deadLetters.showLoadError(report(error));
    }
  }

  function stopPolling() {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  }

  // Poll only while someone can see the Dashboard tab; each poll waits for the previous one.
  function schedulePolling() {
    stopPolling();
    if (expired || activeTab !== "dashboard" || doc.hidden) return;
    timer = setTimeout(async () => {
      await refreshOverview();
      schedulePolling();
    }, options.pollMs);
  }

  const tabs = createTabs(
    [
      { id: "dashboard", label: "Dashboard", panel: overview.element },
      { id: "activity", label: "Activity", panel: activity.element },
      { id: "settings", label: "Settings", panel: settings.element },
    ],
    (id) => {
      activeTab = id;
      if (id === "dashboard") void refreshOverview();
      if (id === "settings" && !settings.loaded()) void settings.load();
      if (id === "activity") void activity.load();
      schedulePolling();
    },
  );
  doc.addEventListener("visibilitychange", schedulePolling);

  fill(
    options.root,
    h(
      "div",
      { class: "app" },
      h("header", { class: "app-header" }, h("h1", { class: "app-title" }, TITLE), subtitle),
      banner,
      tabs.element,
      overview.element,
      activity.element,
      settings.element,
    ),
  );
  tabs.select("dashboard");
}
