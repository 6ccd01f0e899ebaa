import { ApiError, type DashboardApi } from "../api";
import { createDatalist, intercomOptionLabel } from "../components/attribute-controls";
import { createFieldMessages } from "../components/field-messages";
import { h, fill, uid } from "../dom";
import type {
  AccountSources,
  FieldError,
  FetchKind,
  IntercomAttribute,
  SettingsOptions,
} from "../types";
import { assignErrors } from "../view/field-paths";
import { diffSettings, toFormState, type FormState } from "../view/settings-form";
import { SETTINGS_LAYOUT } from "../view/settings-layout";
import { validateSettings, visibleProblems } from "../view/validate-settings";
import { createAttributesNotice } from "./attributes-notice";
import { NO_ACCOUNT_SOURCES } from "./account-fields";
import { renderField } from "./settings-fields";
import { createSegmentMembers } from "./segment-members";

export interface SettingsTabDeps {
  api: DashboardApi;
  /** Starts a fetch after the user confirmed; resolves to the message to show. */
  startFetch(kind: FetchKind): Promise<string | undefined>;
}

interface Loaded {
  saved: FormState;
  current: FormState;
  options: SettingsOptions;
  attributes: IntercomAttribute[];
  attributesKnown: boolean;
  accountSources: AccountSources;
}

/** The Settings tab: loads settings and Intercom's attributes, edits them, saves the difference. */
export function createSettingsTab({ api, startFetch }: SettingsTabDeps) {
  const element = h("div", { class: "panel" });
  const messages = createFieldMessages();
  const formAlert = h("div", { class: "form-alert", attrs: { role: "alert" } });
  const saveStatus = h("span", { class: "save-status", attrs: { role: "status" } });
  const saveButton = h(
    "button",
    { class: "button button-primary", attrs: { type: "submit", disabled: true } },
    "Save changes",
  );
  const segmentMembers = createSegmentMembers(api);
  let loaded: Loaded | undefined;
  let triedToSave = false;
  let saving = false;
  let serverErrors: FieldError[] = [];

  async function load() {
    fill(element, h("p", { class: "loading" }, "Loading settings…"));
    try {
      const [settings, attributes, accountSources] = await Promise.all([
        api.settings(),
        api.attributes(),
        // The account fields still work (free text) when their sources cannot be read.
        api.accountSources?.().catch(() => NO_ACCOUNT_SOURCES) ?? NO_ACCOUNT_SOURCES,
      ]);
      const saved = toFormState(settings);
      loaded = {
        saved,
        current: toFormState(saved),
        options: settings.options,
        attributes: attributes.options,
        attributesKnown: attributes.known,
        accountSources,
      };
      render();
    } catch (error) {
      fill(
        element,
        h(
          "div",
          { class: "notice notice-bad", attrs: { role: "alert" } },
          h("p", {}, messageOf(error)),
          h(
            "button",
            { class: "button button-secondary", attrs: { type: "button" }, on: { click: load } },
            "Try again",
          ),
        ),
      );
    }
  }

  function render() {
    if (!loaded) return;
    const state = loaded;
    const lists = { hullAttributes: uid("hull-attrs"), intercomAttributes: uid("intercom-attrs") };
    const context = {
      state: state.current,
      options: state.options,
      attributes: state.attributes,
      attributesKnown: state.attributesKnown,
      messages,
      lists,
      set: (path: string, value: unknown) => {
        const [group, key] = path.split(".") as ["private_settings", string];
        (state.current[group] as unknown as Record<string, unknown>)[key] = value;
        serverErrors = [];
        setFormMessage(undefined);
        fill(saveStatus);
        refresh();
      },
      accountSources: state.accountSources,
      attributesNotice: () =>
        state.attributesKnown ? null : createAttributesNotice(() => startFetch("users")),
    };
    const form = h(
      "form",
      { class: "settings-form", attrs: { novalidate: true }, on: { submit: onSubmit } },
      createDatalist(lists.hullAttributes, state.options.hull_attributes),
      createDatalist(
        lists.intercomAttributes,
        state.attributes.map((attribute) => ({
          value: attribute.value,
          label: intercomOptionLabel(attribute),
        })),
      ),
      formAlert,
      ...SETTINGS_LAYOUT.map((section) =>
        h(
          "section",
          { class: "card" },
          h("h2", { class: "card-title" }, section.title),
          ...section.fields.map((field) =>
            field.kind === "segments"
              ? h("div", {}, renderField(field, context), segmentMembers.element)
              : renderField(field, context),
          ),
        ),
      ),
      h("div", { class: "save-bar" }, saveStatus, saveButton),
    );
    fill(element, form);
    refresh();
  }

  /** Re-checks the form: messages next to fields, the Save button, unclaimed errors on top. */
  function refresh() {
    if (!loaded) return;
    const problems = visibleProblems(
      validateSettings(loaded.current, loaded.attributes),
      triedToSave,
    );
    const { byPath, unclaimed } = assignErrors([...problems, ...serverErrors], messages.paths());
    messages.show(byPath);
    segmentMembers.update(
      loaded.saved.private_settings.synchronized_segments,
      loaded.current.private_settings.synchronized_segments,
      loaded.options.segments,
    );
    const dirty = diffSettings(loaded.saved, loaded.current) !== null;
    saveButton.disabled = saving || !dirty;
    if (dirty && saveStatus.textContent === "") fill(saveStatus, "Unsaved changes");
    if (!dirty && saveStatus.textContent === "Unsaved changes") fill(saveStatus);
    const topMessages = unclaimed.map((error) => `${error.path}: ${error.message}`);
    if (formAlert.dataset.message) topMessages.unshift(formAlert.dataset.message);
    fill(formAlert, ...topMessages.map((text) => h("p", {}, text)));
    formAlert.hidden = topMessages.length === 0;
  }

  function setFormMessage(text: string | undefined) {
    if (text) formAlert.dataset.message = text;
    else delete formAlert.dataset.message;
  }

  async function onSubmit(event: SubmitEvent) {
    event.preventDefault();
    if (!loaded || saving) return;
    const update = diffSettings(loaded.saved, loaded.current);
    if (!update) return;
    triedToSave = true;
    setFormMessage(undefined);
    if (validateSettings(loaded.current, loaded.attributes).length > 0) {
      fill(saveStatus, "Fix the highlighted fields to save.");
      refresh();
      messages.firstInvalid()?.focus();
      return;
    }
    saving = true;
    fill(saveStatus, "Saving…");
    refresh();
    try {
      // Segments added: note today's jobs, so that the ones this save causes can be followed.
      if (segmentMembers.plans()) await segmentMembers.prepare();
      const saved = await api.saveSettings(update);
      loaded.saved = toFormState(saved);
      segmentMembers.showOutcome(saved.extracts ?? []);
      serverErrors = [];
      triedToSave = false;
      fill(saveStatus, "Saved");
      saveStatus.className = "save-status save-status-good";
    } catch (error) {
      serverErrors = error instanceof ApiError ? error.details : [];
      setFormMessage(messageOf(error));
      fill(saveStatus, "Not saved");
      saveStatus.className = "save-status save-status-bad";
    } finally {
      saving = false;
      refresh();
      if (serverErrors.length > 0) messages.firstInvalid()?.focus();
    }
  }

  // Any later edit resets the status colour.
  element.addEventListener("input", () => (saveStatus.className = "save-status"));
  element.addEventListener("change", () => (saveStatus.className = "save-status"));

  return { element, load, loaded: () => loaded !== undefined };
}

const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : "Something went wrong. Try again.";
