import { h } from "../dom";
import type { IntercomAttribute } from "../types";

/** A datalist to attach to free-text pickers; option text is set as text, never parsed. */
export function createDatalist(id: string, options: { value: string; label: string }[]) {
  const list = h("datalist", { attrs: { id } });
  list.append(
    ...options.map((option) => h("option", { attrs: { value: option.value } }, option.label)),
  );
  return list;
}

/** Labels for Intercom attributes in pickers: read-only ones say so before anyone picks them. */
export const intercomOptionLabel = (attribute: IntercomAttribute) =>
  [
    attribute.label,
    attribute.type ? `(${attribute.type})` : "",
    attribute.custom ? "· custom" : "",
    attribute.writable ? "" : "· read-only",
  ]
    .filter(Boolean)
    .join(" ");

/** A text input suggesting values from a datalist; any text is allowed. */
export function createFreeTextPicker(
  id: string,
  listId: string,
  value: string,
  placeholder: string,
  update: (value: string) => void,
) {
  return h("input", {
    class: "input",
    attrs: { id, type: "text", list: listId, value, placeholder, autocomplete: "off" },
    on: { input: (event) => update((event.target as HTMLInputElement).value) },
  });
}

/** A closed list of Intercom attributes; the saved value stays listed even if Intercom dropped it. */
export function createAttributeSelect(
  id: string,
  attributes: IntercomAttribute[],
  value: string,
  update: (value: string) => void,
) {
  const select = h(
    "select",
    {
      class: "input",
      attrs: { id },
      on: { change: () => update(select.value) },
    },
    h("option", { attrs: { value: "" } }, "Choose an Intercom attribute…"),
  );
  const values = new Set(attributes.map((attribute) => attribute.value));
  if (value !== "" && !values.has(value)) {
    select.append(h("option", { attrs: { value } }, `${value} (not in Intercom's list)`));
  }
  select.append(
    ...attributes.map((attribute) =>
      h("option", { attrs: { value: attribute.value } }, intercomOptionLabel(attribute)),
    ),
  );
  select.value = value;
  return select;
}
