import { h, uid } from "../dom";
import { createChipPicker } from "../components/chip-picker";
import type { FieldMessages } from "../components/field-messages";
import type { FieldLayout } from "../view/settings-layout";
import type { FormState } from "../view/settings-form";
import type {
  AccountSources,
  IncomingRow,
  IntercomAttribute,
  OutgoingRow,
  SettingsOptions,
} from "../types";
import { NO_ACCOUNT_SOURCES, renderAccountField } from "./account-fields";
import { incomingEditor, outgoingEditor } from "./attribute-tables";
import { segmentSizeText } from "../view/members-plan";

export interface FieldContext {
  state: FormState;
  options: SettingsOptions;
  attributes: IntercomAttribute[];
  attributesKnown: boolean;
  messages: FieldMessages;
  /** Datalist ids rendered once per form. */
  lists: { hullAttributes: string; intercomAttributes: string };
  /** Sets the value at a layout path ("private_settings.x") and re-checks the form. */
  set(path: string, value: unknown): void;
  /** A notice offering "Fetch all users" while Intercom's attributes are unknown. */
  attributesNotice(): HTMLElement | null;
  /** Hull's account segments and attributes, Intercom's company attributes. */
  accountSources?: AccountSources;
}

/** Renders one setting from the layout table: label, description, control, message slot. */
export function renderField(field: FieldLayout, context: FieldContext): HTMLElement {
  const [group, key] = field.path.split(".") as ["private_settings", string];
  const value = (context.state[group] as unknown as Record<string, unknown>)[key];
  const id = uid("field");
  const hintId = field.description ? uid("hint") : undefined;
  const hint = field.description
    ? h("p", { class: "field-hint", attrs: { id: hintId } }, field.description)
    : null;
  const set = (next: unknown) => context.set(field.path, next);

  switch (field.kind) {
    case "boolean": {
      const checkbox = h("input", {
        attrs: { type: "checkbox", id, checked: value === true, "aria-describedby": hintId },
        on: { change: () => set(checkbox.checked) },
      });
      return h(
        "div",
        { class: "field field-check" },
        checkbox,
        h(
          "div",
          {},
          h("label", { class: "field-label", attrs: { for: id } }, field.title),
          hint,
          context.messages.slot(field.path, checkbox),
        ),
      );
    }
    case "alignment": {
      const select = h(
        "select",
        { class: "input input-short", attrs: { id }, on: { change: () => set(select.value) } },
        h("option", { attrs: { value: "right" } }, "Bottom right"),
        h("option", { attrs: { value: "left" } }, "Bottom left"),
      );
      select.value = String(value);
      return labelled(field, id, hint, select, context.messages.slot(field.path, select));
    }
    case "segments": {
      const picker = createChipPicker({
        inputId: id,
        describedBy: hintId,
        options: context.options.segments.map((segment) => ({
          value: segment.id,
          label: segment.name,
          detail: segmentSizeText(segment.size),
        })),
        selected: value as string[],
        allowFreeText: false,
        noun: "segment",
        missingLabel: (segmentId) => `Unknown segment ${segmentId}`,
        onChange: set,
      });
      return labelled(
        field,
        id,
        hint,
        picker.element,
        context.messages.slot(field.path, picker.input),
      );
    }
    case "events": {
      const picker = createChipPicker({
        inputId: id,
        describedBy: hintId,
        options: context.options.events.map((event) => ({ value: event, label: event })),
        selected: value as string[],
        allowFreeText: true,
        noun: "event",
        onChange: set,
      });
      return labelled(
        field,
        id,
        hint,
        picker.element,
        context.messages.slot(field.path, picker.input),
      );
    }
    case "outgoing-rows":
      return tableField(
        field,
        hint,
        context,
        outgoingEditor(field.path, value as OutgoingRow[], context, set),
      );
    case "incoming-rows":
      return tableField(
        field,
        hint,
        context,
        incomingEditor(field.path, value as IncomingRow[], context, set),
      );
    case "account-segments":
    case "outgoing-account-rows":
    case "incoming-account-rows":
      return renderAccountField(field, context, context.accountSources ?? NO_ACCOUNT_SOURCES);
  }
}

function labelled(
  field: FieldLayout,
  id: string,
  hint: HTMLElement | null,
  control: HTMLElement,
  message: HTMLElement,
) {
  return h(
    "div",
    { class: "field" },
    h("label", { class: "field-label", attrs: { for: id } }, field.title),
    hint,
    control,
    message,
  );
}

function tableField(
  field: FieldLayout,
  hint: HTMLElement | null,
  context: FieldContext,
  editor: HTMLElement,
) {
  return h(
    "div",
    { class: "field" },
    h("h3", { class: "field-label" }, field.title),
    hint,
    context.attributesNotice(),
    editor,
    context.messages.slot(field.path),
  );
}
