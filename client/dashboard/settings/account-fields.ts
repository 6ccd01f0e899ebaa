import { createChipPicker } from "../components/chip-picker";
import { createDatalist, intercomOptionLabel } from "../components/attribute-controls";
import { h, uid } from "../dom";
import type { AccountSources, IncomingRow, OutgoingRow } from "../types";
import type { FieldLayout } from "../view/settings-layout";
import { incomingEditor, outgoingEditor } from "./attribute-tables";
import type { FieldContext } from "./settings-fields";

/** No sources (the call failed or is not offered): pickers with free text only. */
export const NO_ACCOUNT_SOURCES: AccountSources = {
  account_segments: [],
  hull_account_attributes: [],
  company_attributes: { known: false, options: [] },
};

/**
 * The "Accounts and companies" fields (docs/adr/020): the account segments whitelist and the two
 * account attribute mappings, drawn with the users' controls over the account sources — Hull's
 * account segments and attributes, Intercom's company attributes.
 */
export function renderAccountField(
  field: FieldLayout,
  context: FieldContext,
  sources: AccountSources,
): HTMLElement {
  const key = field.path.split(".")[1] as
    | "synchronized_account_segments"
    | "sync_account_fields_to_intercom"
    | "sync_account_fields_to_hull";
  const value = context.state.private_settings[key] ?? [];
  const set = (next: unknown) => context.set(field.path, next);
  const id = uid("field");
  const hintId = field.description ? uid("hint") : undefined;
  const hint = field.description
    ? h("p", { class: "field-hint", attrs: { id: hintId } }, field.description)
    : null;

  if (field.kind === "account-segments") {
    const picker = createChipPicker({
      inputId: id,
      describedBy: hintId,
      options: sources.account_segments.map((segment) => ({
        value: segment.id,
        label: segment.name,
      })),
      selected: value as string[],
      allowFreeText: false,
      noun: "account segment",
      missingLabel: (segmentId) => `Unknown account segment ${segmentId}`,
      onChange: set,
    });
    return h(
      "div",
      { class: "field" },
      h("label", { class: "field-label", attrs: { for: id } }, field.title),
      hint,
      picker.element,
      context.messages.slot(field.path, picker.input),
    );
  }

  // The users' row editors, over the account lists instead of the user ones.
  const lists = { hullAttributes: uid("account-attrs"), intercomAttributes: uid("company-attrs") };
  const accountContext: FieldContext = {
    ...context,
    attributes: sources.company_attributes.options,
    attributesKnown: sources.company_attributes.known,
    lists,
  };
  const editor =
    field.kind === "outgoing-account-rows"
      ? outgoingEditor(field.path, value as OutgoingRow[], accountContext, set, {
          add: "Add outgoing account attribute",
          empty: "Only the account's name goes to the company.",
        })
      : incomingEditor(field.path, value as IncomingRow[], accountContext, set, {
          add: "Add incoming account attribute",
          empty: "Only Intercom's standard company attributes are copied.",
        });
  return h(
    "div",
    { class: "field" },
    h("h3", { class: "field-label" }, field.title),
    hint,
    createDatalist(lists.hullAttributes, sources.hull_account_attributes),
    createDatalist(
      lists.intercomAttributes,
      sources.company_attributes.options.map((attribute) => ({
        value: attribute.value,
        label: intercomOptionLabel(attribute),
      })),
    ),
    sources.company_attributes.known
      ? null
      : h(
          "p",
          { class: "notice" },
          "Intercom's company attributes are not known yet: connect Intercom, or type the names.",
        ),
    editor,
    context.messages.slot(field.path),
  );
}
