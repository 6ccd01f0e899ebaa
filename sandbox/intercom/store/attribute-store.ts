import { parameterInvalid } from "../errors.js";

/** A custom data attribute (intercom-api.md §1.2). Standard attributes are a fixed list below. */
export interface CustomAttribute {
  id: number;
  model: "contact" | "company";
  name: string;
  data_type: "string" | "integer" | "float" | "boolean" | "date";
  description: string;
  options: string[];
  messenger_writable: boolean;
  archived: boolean;
  created_at: number;
  updated_at: number;
}

const standard: Array<[string, string, CustomAttribute["data_type"]]> = [
  ["name", "Name", "string"],
  ["email", "Email", "string"],
  ["phone", "Phone", "string"],
  ["external_id", "User ID", "string"],
  ["role", "Role", "string"],
  ["owner_id", "Owner", "integer"],
  ["created_at", "Signed up", "date"],
  ["signed_up_at", "Signed up at", "date"],
  ["updated_at", "Updated at", "date"],
  ["last_seen_at", "Last seen", "date"],
  ["unsubscribed_from_emails", "Unsubscribed from emails", "boolean"],
  ["location.country", "Country", "string"],
  ["location.city", "City", "string"],
];

/**
 * Company standard attributes, as the description's GET /data_attributes?model=company example
 * lists them (name, label, data type, whether the API may write it).
 */
const companyStandard: Array<[string, string, string, CustomAttribute["data_type"], boolean]> = [
  ["name", "name", "Company name", "string", true],
  ["company_id", "company_id", "Company ID", "string", false],
  ["last_request_at", "last_request_at", "Company last seen", "date", false],
  ["remote_created_at", "remote_created_at", "Company created at", "date", true],
  ["user_count", "user_count", "People", "integer", false],
  ["session_count", "session_count", "Company web sessions", "integer", false],
  ["name", "plan.name", "Plan", "string", false],
  ["monthly_spend", "monthly_spend", "Monthly Spend", "float", true],
  ["size", "size", "Company size", "integer", true],
  ["industry", "industry", "Company industry", "string", true],
  ["website", "website", "Company website", "string", true],
  ["id", "id", "ID", "string", false],
  ["created_at", "created_at", "Created at", "date", false],
  ["updated_at", "updated_at", "Updated at", "date", false],
];

const dataTypes = ["string", "integer", "float", "boolean", "datetime", "date", "options"];
// "alphanumeric characters, currency symbols, and hyphens" (spaces are accepted in practice).
const validName = /^[\p{L}\p{N}\p{Sc}\- _]+$/u;

export class AttributeStore {
  private custom = new Map<string, CustomAttribute>();
  private nextId = 1;

  constructor(private readonly clock: () => number) {}

  seedDefaults(): void {
    this.create({ name: "plan", data_type: "string", description: "Subscription plan" });
    this.create({ name: "seats", data_type: "integer", description: "Paid seats" });
    this.create({ name: "trial_ends_at", data_type: "date", description: "End of the trial" });
  }

  /** Active (unarchived) custom attribute by exact name. */
  active(name: string): CustomAttribute | undefined {
    return this.activeOf("contact", name);
  }

  /** Active (unarchived) custom attribute of a model (contact or company) by exact name. */
  activeOf(model: "contact" | "company", name: string): CustomAttribute | undefined {
    const found = this.custom.get(`${model}:${name}`);
    return found && !found.archived ? found : undefined;
  }

  get(id: number): CustomAttribute | undefined {
    return [...this.custom.values()].find((attribute) => attribute.id === id);
  }

  listViews(
    model: "contact" | "company",
    includeArchived: boolean,
  ): Array<Record<string, unknown>> {
    if (model === "company") {
      const companyViews = companyStandard.map(([name, fullName, label, dataType, writable]) => ({
        type: "data_attribute",
        model: "company",
        name,
        full_name: fullName,
        label,
        description: label,
        data_type: dataType,
        api_writable: writable,
        messenger_writable: false,
        ui_writable: writable,
        custom: false,
        archived: false,
      }));
      return [...companyViews, ...this.customViews(model, includeArchived)];
    }
    const standardViews = standard.map(([name, label, data_type]) => ({
      type: "data_attribute",
      model: "contact",
      name,
      full_name: name,
      label,
      description: label,
      data_type,
      api_writable: !["created_at", "updated_at", "role"].includes(name),
      messenger_writable: false,
      ui_writable: true,
      custom: false,
      archived: false,
    }));
    return [...standardViews, ...this.customViews(model, includeArchived)];
  }

  private customViews(model: "contact" | "company", includeArchived: boolean) {
    return [...this.custom.values()]
      .filter((attribute) => attribute.model === model && (includeArchived || !attribute.archived))
      .map((attribute) => this.view(attribute));
  }

  view(attribute: CustomAttribute): Record<string, unknown> {
    return {
      type: "data_attribute",
      id: attribute.id,
      model: attribute.model,
      name: attribute.name,
      full_name: `custom_attributes.${attribute.name}`,
      label: attribute.name,
      description: attribute.description,
      data_type: attribute.data_type,
      ...(attribute.options.length > 0 ? { options: attribute.options } : {}),
      api_writable: true,
      messenger_writable: attribute.messenger_writable,
      ui_writable: false,
      custom: true,
      archived: attribute.archived,
      created_at: attribute.created_at,
      updated_at: attribute.updated_at,
      admin_id: "991267459",
    };
  }

  /** Validates like Intercom (400 parameter_invalid) and creates; throws before writing anything. */
  create(input: Record<string, unknown>): CustomAttribute {
    const { name, data_type: dataType } = input;
    const model = input.model ?? "contact";
    if (model !== "contact" && model !== "company") {
      throw parameterInvalid("The Data Attribute model field must be either contact or company");
    }
    if (typeof name !== "string" || name.trim() === "")
      throw parameterInvalid("Name can't be blank");
    if (!validName.test(name)) {
      throw parameterInvalid(
        "Your name for this attribute must only contain alphanumeric characters, currency symbols, and hyphens",
      );
    }
    if (typeof dataType !== "string" || !dataTypes.includes(dataType)) {
      throw parameterInvalid("Data Type isn't an option");
    }
    const lower = name.toLowerCase();
    // "You already have 'X' in your company data…": the same name on either model is a duplicate.
    const clash = [...this.custom.values()].find(
      (attribute) => attribute.name.toLowerCase() === lower,
    );
    const standardNames =
      model === "company" ? companyStandard.map(([n]) => n) : standard.map(([n]) => n);
    if (clash || standardNames.includes(lower)) {
      const where = clash?.model ?? model;
      throw parameterInvalid(
        `You already have '${name}' in your ${where} data. To save this as new people data, use a different name.`,
      );
    }
    const options = parseOptions(input.options, dataType === "options");
    if (input.description !== undefined && typeof input.description !== "string") {
      throw parameterInvalid("description must be a string");
    }
    if (input.messenger_writable !== undefined && typeof input.messenger_writable !== "boolean") {
      throw parameterInvalid("messenger_writable must be a boolean");
    }
    const now = Math.floor(this.clock() / 1000);
    const attribute: CustomAttribute = {
      id: this.nextId++,
      model,
      name,
      // The 2.14 data_attribute schema lists no "datetime" or "options": they read back as date/string.
      data_type:
        dataType === "datetime"
          ? "date"
          : dataType === "options"
            ? "string"
            : (dataType as CustomAttribute["data_type"]),
      description: (input.description as string | undefined) ?? "",
      options,
      messenger_writable: (input.messenger_writable as boolean | undefined) ?? false,
      archived: false,
      created_at: now,
      updated_at: now,
    };
    this.custom.set(`${model}:${name}`, attribute);
    return attribute;
  }

  update(id: number, input: Record<string, unknown>): CustomAttribute | undefined {
    const attribute = this.get(id);
    if (!attribute) return undefined;
    for (const key of Object.keys(input)) {
      if (!["archived", "description", "messenger_writable", "options"].includes(key)) {
        throw parameterInvalid(`'${key}' cannot be updated`);
      }
    }
    if (input.archived !== undefined && typeof input.archived !== "boolean")
      throw parameterInvalid("archived must be a boolean");
    if (input.description !== undefined && typeof input.description !== "string")
      throw parameterInvalid("description must be a string");
    if (input.messenger_writable !== undefined && typeof input.messenger_writable !== "boolean") {
      throw parameterInvalid("messenger_writable must be a boolean");
    }
    const options =
      input.options === undefined ? attribute.options : parseOptions(input.options, true);
    Object.assign(attribute, {
      archived: input.archived ?? attribute.archived,
      description: input.description ?? attribute.description,
      messenger_writable: input.messenger_writable ?? attribute.messenger_writable,
      options,
      updated_at: Math.floor(this.clock() / 1000),
    });
    return attribute;
  }
}

function parseOptions(input: unknown, required: boolean): string[] {
  if (input === undefined && !required) return [];
  if (
    !Array.isArray(input) ||
    input.length < 2 ||
    input.some((item) => typeof item?.value !== "string")
  ) {
    throw parameterInvalid("List attributes need at least 2 options, each {value: string}");
  }
  return input.map((item: { value: string }) => item.value);
}
