import { h } from "../dom";
import { createAttributeSelect, createFreeTextPicker } from "../components/attribute-controls";
import { createRowsEditor } from "../components/attribute-rows";
import type { IncomingRow, OutgoingRow } from "../types";
import type { FieldContext } from "./settings-fields";

/**
 * Outgoing rows (Hull → Intercom): both pickers accept free text, since the connector may create
 * missing custom attributes; read-only targets are refused by validateSettings.
 */
export function outgoingEditor(
  path: string,
  rows: OutgoingRow[],
  context: FieldContext,
  set: (rows: OutgoingRow[]) => void,
  texts = { add: "Add outgoing attribute", empty: "No attributes are sent yet." },
) {
  return createRowsEditor<OutgoingRow>({
    path,
    rows,
    messages: context.messages,
    addLabel: texts.add,
    emptyText: texts.empty,
    newRow: () => ({ hull: "", name: "", overwrite: false }),
    onChange: set,
    columns: [
      {
        key: "hull",
        title: "Hull attribute",
        control: (row, id, update) =>
          createFreeTextPicker(
            id,
            context.lists.hullAttributes,
            row.hull,
            "e.g. first_name",
            update,
          ),
      },
      {
        key: "name",
        title: "Intercom attribute",
        control: (row, id, update) =>
          createFreeTextPicker(id, context.lists.intercomAttributes, row.name, "e.g. name", update),
      },
      {
        key: "overwrite",
        title: "Hull overwrites Intercom",
        narrow: true,
        control: (row, id, update) =>
          h(
            "label",
            { class: "check", attrs: { for: id } },
            h("input", {
              attrs: { type: "checkbox", id, checked: row.overwrite },
              on: { change: (event) => update((event.target as HTMLInputElement).checked) },
            }),
            "Hull overwrites Intercom",
          ),
      },
    ],
  }).element;
}

/**
 * Incoming rows (Intercom → Hull): the Intercom side is a closed list (only attributes Intercom
 * has can be read); the Hull side is free text.
 */
export function incomingEditor(
  path: string,
  rows: IncomingRow[],
  context: FieldContext,
  set: (rows: IncomingRow[]) => void,
  texts = {
    add: "Add incoming attribute",
    empty: "Only Intercom's standard attributes are copied.",
  },
) {
  return createRowsEditor<IncomingRow>({
    path,
    rows,
    messages: context.messages,
    addLabel: texts.add,
    emptyText: texts.empty,
    newRow: () => ({ name: "", hull: "" }),
    onChange: set,
    columns: [
      {
        key: "name",
        title: "Intercom attribute",
        control: (row, id, update) =>
          createAttributeSelect(id, context.attributes, row.name, update),
      },
      {
        key: "hull",
        title: "Hull attribute",
        control: (row, id, update) =>
          createFreeTextPicker(id, context.lists.hullAttributes, row.hull, "e.g. plan", update),
      },
    ],
  }).element;
}
