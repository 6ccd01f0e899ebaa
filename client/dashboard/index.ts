// dashboard.js: the connector's /admin page serves
// <div id="app" data-token="…" data-api-base=""></div><script src="/dashboard.js"></script>
// and this bundle builds the dashboard inside #app. It exposes nothing on window.
import { createApi } from "./api";
import { mountDashboard } from "./app";

const DEFAULT_POLL_MS = 5000;

const root = document.getElementById("app");
if (root) {
  const token = root.dataset.token ?? "";
  const apiBase = (root.dataset.apiBase ?? "").replace(/\/+$/, "");
  const pollMs = Number(root.dataset.pollMs) || DEFAULT_POLL_MS;
  mountDashboard({
    root,
    api: createApi({ base: apiBase, token }),
    apiBase,
    token,
    window,
    pollMs,
  });
}
