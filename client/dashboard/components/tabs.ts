import { h } from "../dom";

export interface TabSpec {
  id: string;
  label: string;
  panel: HTMLElement;
}

/**
 * WAI-ARIA tabs with automatic activation: arrow keys, Home and End move between tabs, only the
 * selected tab is in the tab order, hidden panels are `hidden`.
 */
export function createTabs(tabs: TabSpec[], onSelect: (id: string) => void) {
  const buttons = tabs.map((tab) =>
    h(
      "button",
      {
        class: "tab",
        attrs: {
          type: "button",
          role: "tab",
          id: `tab-${tab.id}`,
          "aria-controls": `panel-${tab.id}`,
        },
        on: { click: () => select(tab.id, false) },
      },
      tab.label,
    ),
  );
  const list = h("div", { class: "tabs", attrs: { role: "tablist", "aria-label": "Sections" } });
  list.append(...buttons);
  list.addEventListener("keydown", (event) => {
    const current = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (current < 0) return;
    const target = nextIndex(event.key, current, buttons.length);
    if (target === undefined) return;
    event.preventDefault();
    select(tabs[target].id, true);
  });
  for (const tab of tabs) {
    tab.panel.id = `panel-${tab.id}`;
    tab.panel.setAttribute("role", "tabpanel");
    tab.panel.setAttribute("aria-labelledby", `tab-${tab.id}`);
    tab.panel.tabIndex = 0;
  }

  function select(id: string, focus: boolean) {
    tabs.forEach((tab, index) => {
      const selected = tab.id === id;
      buttons[index].setAttribute("aria-selected", String(selected));
      buttons[index].tabIndex = selected ? 0 : -1;
      tab.panel.hidden = !selected;
      if (selected && focus) buttons[index].focus();
    });
    onSelect(id);
  }

  return { element: list, select: (id: string) => select(id, false) };
}

function nextIndex(key: string, current: number, count: number): number | undefined {
  switch (key) {
    case "ArrowRight":
      return (current + 1) % count;
    case "ArrowLeft":
      return (current - 1 + count) % count;
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return undefined;
  }
}
