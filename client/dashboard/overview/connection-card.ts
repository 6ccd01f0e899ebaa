import { h, fill } from "../dom";
import type { Overview } from "../types";
import { formatTime, regionLabel } from "../view/format";

export interface ConnectionActions {
  connect(): { blocked: boolean; url: string };
  startOver(): Promise<void>;
}

/** Workspace, region and admin when connected; "Continue with Intercom" when not. */
export function createConnectionCard(actions: ConnectionActions) {
  const body = h("div", { class: "card-body" });
  const result = h("div", { class: "card-result", attrs: { role: "status" } });
  const element = h(
    "section",
    { class: "card", attrs: { "aria-labelledby": "connection-title" } },
    h("h2", { class: "card-title", attrs: { id: "connection-title" } }, "Intercom connection"),
    body,
    result,
  );
  let shown = "";

  function update(connection: Overview["connection"]) {
    // Re-render only on a real change, so polling never steals focus from these buttons.
    const key = JSON.stringify(connection);
    if (key === shown) return;
    shown = key;
    const workspace = connection.connected ? connection.workspace : undefined;
    if (!connection.connected) return fill(body, ...disconnected());
    fill(
      body,
      h(
        "dl",
        { class: "facts" },
        ...fact("Workspace", workspace?.name ?? workspace?.app_id ?? "Unknown"),
        ...fact("App id", workspace?.app_id),
        ...fact("Region", workspace ? regionLabel(workspace.region) : undefined),
        ...fact(
          "Connected by",
          [workspace?.admin?.name, workspace?.admin?.email && `<${workspace.admin.email}>`]
            .filter(Boolean)
            .join(" "),
        ),
        ...fact("Connected on", formatTime(workspace?.connected_at)),
      ),
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          {
            class: "button button-danger",
            attrs: { type: "button" },
            on: { click: () => void actions.startOver() },
          },
          "Start over",
        ),
      ),
    );
  }

  function disconnected() {
    return [
      h(
        "p",
        { class: "lead" },
        "Connect an Intercom workspace to sync users, leads, conversations and events.",
      ),
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          {
            class: "button button-primary",
            attrs: { type: "button" },
            on: { click: onConnect },
          },
          "Continue with Intercom",
        ),
      ),
    ];
  }

  function onConnect() {
    const { blocked, url } = actions.connect();
    if (!blocked) return fill(result, "Finish connecting in the Intercom window…");
    fill(
      result,
      "Your browser blocked the Intercom window. ",
      h(
        "a",
        { attrs: { href: url, target: "_blank", rel: "opener" } },
        "Open the Intercom sign-in",
      ),
    );
  }

  return { element, update, showResult: (...text: string[]) => fill(result, ...text) };
}

function fact(term: string, value: string | undefined) {
  if (!value) return [];
  return [h("dt", {}, term), h("dd", {}, value)];
}
