import type { DashboardApi } from "../api";
import { h, fill } from "../dom";
import type { MemberExtract, SegmentOption } from "../types";
import { extractOutcomeLines, saveMembersPlan, segmentLabel } from "../view/members-plan";

/**
 * Below the segments whitelist: what Save will send (the current members of segments just
 * added), and "Send current members" for each saved synchronized segment or all of them. The
 * users then arrive as a job on the Overview (docs/adr/018).
 */
export function createSegmentMembers(api: Pick<DashboardApi, "sendMembers">) {
  const plan = h("p", { class: "notice notice-info members-plan", attrs: { role: "status" } });
  const intro = h(
    "p",
    { class: "field-hint members-intro" },
    "People already in a segment are sent when you pick it and save. To send them again (after a change in Intercom, say):",
  );
  const list = h("ul", { class: "members-list", attrs: { "aria-label": "Synchronized segments" } });
  const result = h("div", { class: "notice-result members-result", attrs: { role: "status" } });
  const element = h("div", { class: "members" }, plan, intro, list, result);
  let busy = false;

  async function send(request: { segment_ids: string[] } | { all: true }) {
    if (busy) return;
    busy = true;
    setButtons(true);
    fill(result, h("p", {}, "Asking Hull for the current members…"));
    result.className = "notice notice-info notice-result members-result";
    try {
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

  return { element, update, showOutcome };
}
