import { h, fill, uid } from "../dom";
import {
  addValue,
  filterOptions,
  removeValue,
  selectedChips,
  type PickerOption,
} from "../view/filter-options";

export interface ChipPickerOptions {
  inputId: string;
  describedBy?: string;
  options: PickerOption[];
  selected: string[];
  /** Events may be typed freely; segments must exist in Hull. */
  allowFreeText: boolean;
  noun: string;
  missingLabel?: (value: string) => string;
  onChange(values: string[]): void;
}

/**
 * A multi-select: removable chips for what is chosen, a search box, and a filtered list of
 * checkboxes (real inputs with labels, so it works with the keyboard and screen readers).
 */
export function createChipPicker(config: ChipPickerOptions) {
  let selected = [...config.selected];
  const listId = uid("options");
  const chips = h("ul", { class: "chips", attrs: { "aria-label": `Selected ${config.noun}s` } });
  const input = h("input", {
    class: "input",
    attrs: {
      id: config.inputId,
      type: "search",
      autocomplete: "off",
      placeholder: config.allowFreeText
        ? `Search or type a new ${config.noun}, then Enter`
        : `Search ${config.noun}s`,
      "aria-describedby": config.describedBy,
      "aria-controls": listId,
    },
    on: { input: () => renderList(), keydown: onKeyDown },
  });
  const addButton = h("button", {
    class: "button button-small",
    attrs: { type: "button", hidden: true },
    on: { click: () => addTyped() },
  });
  const list = h("ul", {
    class: "option-list",
    attrs: { id: listId, "aria-label": `Available ${config.noun}s` },
  });

  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    const query = input.value.trim();
    if (query === "") return;
    const exact = config.options.find(
      (option) => option.label.toLowerCase() === query.toLowerCase() || option.value === query,
    );
    if (exact) return commit(addValue(selected, exact.value), true);
    if (config.allowFreeText) return addTyped();
    const first = filterOptions(config.options, query)[0];
    if (first) commit(addValue(selected, first.value), true);
  }

  function addTyped() {
    commit(addValue(selected, input.value), true);
  }

  // A checkbox toggle keeps the list as it is, so the focused checkbox stays in place.
  function commit(values: string[], clearQuery: boolean, keepList = false) {
    if (clearQuery) input.value = "";
    if (values !== selected) {
      selected = values;
      config.onChange([...selected]);
    }
    renderChips();
    if (!keepList) renderList();
  }

  function renderChips() {
    const items = selectedChips(config.options, selected, config.missingLabel);
    if (items.length === 0) {
      fill(chips, h("li", { class: "chips-empty" }, `No ${config.noun}s selected`));
      return;
    }
    fill(
      chips,
      ...items.map((item) =>
        h(
          "li",
          { class: "chip" },
          h("span", { class: "chip-label" }, item.label),
          h(
            "button",
            {
              class: "chip-remove",
              attrs: { type: "button", "aria-label": `Remove ${item.label}` },
              on: {
                click: () => {
                  commit(removeValue(selected, item.value), false);
                  input.focus();
                },
              },
            },
            "×",
          ),
        ),
      ),
    );
  }

  function renderList() {
    const query = input.value.trim();
    const matches = filterOptions(config.options, query);
    const canAdd =
      config.allowFreeText &&
      query !== "" &&
      !selected.includes(query) &&
      !config.options.some((option) => option.value === query);
    addButton.hidden = !canAdd;
    addButton.textContent = canAdd ? `Add "${query}"` : "";
    if (matches.length === 0) {
      fill(
        list,
        h(
          "li",
          { class: "option-empty" },
          config.options.length === 0 ? `No ${config.noun}s in Hull yet` : "No match",
        ),
      );
      return;
    }
    fill(
      list,
      ...matches.map((option) => {
        const id = uid("opt");
        const checkbox = h("input", {
          attrs: { type: "checkbox", id, checked: selected.includes(option.value) },
          on: {
            change: () =>
              commit(
                checkbox.checked
                  ? addValue(selected, option.value)
                  : removeValue(selected, option.value),
                false,
                true,
              ),
          },
        });
        return h(
          "li",
          { class: "option" },
          checkbox,
          h("label", { attrs: { for: id } }, option.label),
          option.detail ? h("span", { class: "option-detail" }, option.detail) : null,
        );
      }),
    );
  }

  function render() {
    renderChips();
    renderList();
  }

  render();
  const element = h(
    "div",
    { class: "chip-picker" },
    chips,
    h("div", { class: "picker-search" }, input, addButton),
    list,
  );
  return { element, input };
}
