import { h, fill, uid } from "../dom";
import type { FieldMessages } from "./field-messages";

export interface ColumnSpec<Row> {
  key: keyof Row & string;
  title: string;
  /** Builds the control for one cell; call `update` with the new value. */
  control(row: Row, id: string, update: (value: Row[keyof Row]) => void): HTMLElement;
  /** Checkbox columns are narrow and carry no error slot. */
  narrow?: boolean;
}

export interface RowsEditorOptions<Row> {
  path: string;
  rows: Row[];
  columns: ColumnSpec<Row>[];
  newRow(): Row;
  addLabel: string;
  emptyText: string;
  messages: FieldMessages;
  onChange(rows: Row[]): void;
}

/**
 * Rows of attribute pairs with add and remove buttons. Each row is a fieldset whose controls carry
 * visible labels (they stack on narrow iframes), so the table reads well with a screen reader too.
 */
export function createRowsEditor<Row extends object>(config: RowsEditorOptions<Row>) {
  let rows = config.rows.map((row) => ({ ...row }));
  const body = h("div", { class: "rows" });
  const addButton = h(
    "button",
    {
      class: "button button-secondary",
      attrs: { type: "button" },
      on: {
        click: () => {
          rows = [...rows, config.newRow()];
          changed();
          render();
          body.querySelector<HTMLElement>(".row:last-child input, .row:last-child select")?.focus();
        },
      },
    },
    `+ ${config.addLabel}`,
  );

  function changed() {
    config.onChange(rows.map((row) => ({ ...row })));
  }

  function render() {
    config.messages.forget(config.path);
    if (rows.length === 0) {
      fill(body, h("p", { class: "rows-empty" }, config.emptyText));
      return;
    }
    fill(body, ...rows.map((row, index) => renderRow(row, index)));
  }

  function renderRow(row: Row, index: number) {
    const cells = config.columns.map((column) => {
      const id = uid("cell");
      const control = column.control(row, id, (value) => {
        rows[index] = { ...rows[index], [column.key]: value };
        changed();
      });
      const path = `${config.path}.${index}.${column.key}`;
      if (column.narrow) {
        return h("div", { class: "cell cell-narrow" }, control);
      }
      return h(
        "div",
        { class: "cell" },
        h("label", { class: "cell-label", attrs: { for: id } }, column.title),
        control,
        config.messages.slot(path, control),
      );
    });
    return h(
      "fieldset",
      { class: "row" },
      h("legend", { class: "visually-hidden" }, `Row ${index + 1}`),
      ...cells,
      h(
        "button",
        {
          class: "button button-icon",
          attrs: { type: "button", "aria-label": `Remove row ${index + 1}`, title: "Remove row" },
          on: {
            click: () => {
              rows = rows.filter((_, i) => i !== index);
              changed();
              render();
              addButton.focus();
            },
          },
        },
        "×",
      ),
    );
  }

  render();
  return { element: h("div", { class: "rows-editor" }, body, addButton) };
}
