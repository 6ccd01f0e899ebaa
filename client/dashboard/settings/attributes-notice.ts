import { h, fill } from "../dom";

/**
 * Shown above the attribute tables while Intercom's attribute catalogue is unknown (nothing
 * fetched yet, or Intercom not connected): a fetch of all users fills it (DESIGN.md, "Attribute
 * catalogue").
 */
export function createAttributesNotice(fetchUsers: () => Promise<string | undefined>) {
  const result = h("p", { class: "notice-result", attrs: { role: "status" } });
  return h(
    "div",
    { class: "notice notice-info" },
    h(
      "p",
      {},
      "Intercom's attributes are not known yet. Fetch all users once to load them; meanwhile you can type attribute names for outgoing rows.",
    ),
    h(
      "button",
      {
        class: "button button-secondary button-small",
        attrs: { type: "button" },
        on: { click: async () => fill(result, (await fetchUsers()) ?? "") },
      },
      "Fetch all users",
    ),
    result,
  );
}
