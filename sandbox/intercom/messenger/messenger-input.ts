import { isMetadataValue } from "../metadata-value.js";
import { IntercomError, parameterInvalid } from "../errors.js";

// What the widget sends to the stand-in's messenger endpoint. Every check happens before anything
// is written; problems are 400s in Intercom's error.list shape (intercom-api.md §2.1).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Keys of the boot/update settings that configure the widget rather than describe the person. */
const SETTINGS_KEYS = new Set([
  "app_id",
  "api_base",
  "installation_type",
  "hide_default_launcher",
  "alignment",
  "vertical_padding",
  "horizontal_padding",
  "custom_launcher_selector",
  "hide_notifications",
  "session_duration",
  "action_color",
  "background_color",
  "link_color",
  "language_override",
  "page_title",
]);

export interface VisitorRef {
  visitor_id: string;
}

export interface PingInput extends VisitorRef {
  user_id?: string;
  email?: string;
  name?: string;
  phone?: string;
  /** Everything else the page passed: custom attributes and identity verification fields. */
  attributes: Record<string, unknown>;
}

export interface EventInput extends VisitorRef {
  event_name: string;
  created_at: number;
  metadata: Record<string, unknown>;
}

const missing = (field: string) =>
  new IntercomError(400, "parameter_not_found", `${field} is required`);

function objectOf(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw parameterInvalid("Request body must be a JSON object");
  }
  return body as Record<string, unknown>;
}

/** The visitor named by a request, after checking it is for this workspace. */
export function parseVisitorRef(
  body: unknown,
  appId: string,
): VisitorRef & Record<string, unknown> {
  const input = objectOf(body);
  if (input.app_id === undefined) throw missing("app_id");
  // A wrong app_id is what a mistyped workspace or the wrong region looks like: Intercom 404s.
  if (input.app_id !== appId) throw new IntercomError(404, "not_found", "App Not Found");
  if (input.visitor_id === undefined) throw missing("visitor_id");
  if (typeof input.visitor_id !== "string" || !UUID.test(input.visitor_id)) {
    throw parameterInvalid("visitor_id must be a UUID");
  }
  return input as VisitorRef & Record<string, unknown>;
}

const optionalText = (user: Record<string, unknown>, field: string): string | undefined => {
  const value = user[field];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw parameterInvalid(`${field} must be a string`);
  return value.trim();
};

export function parsePing(body: unknown, appId: string): PingInput {
  const input = parseVisitorRef(body, appId);
  const user = input.user === undefined ? {} : objectOf(input.user);
  const email = optionalText(user, "email");
  if (email !== undefined && !EMAIL.test(email)) throw parameterInvalid("email is not valid");
  const attributes = Object.fromEntries(
    Object.entries(user).filter(
      ([key]) => !SETTINGS_KEYS.has(key) && !["user_id", "email", "name", "phone"].includes(key),
    ),
  );
  return {
    visitor_id: input.visitor_id,
    user_id: optionalText(user, "user_id"),
    email,
    name: optionalText(user, "name"),
    phone: optionalText(user, "phone"),
    attributes,
  };
}

export function parseEmail(body: unknown, appId: string): VisitorRef & { email: string } {
  const input = parseVisitorRef(body, appId);
  if (input.email === undefined) throw missing("email");
  if (typeof input.email !== "string" || !EMAIL.test(input.email.trim())) {
    throw parameterInvalid("email is not valid");
  }
  return { visitor_id: input.visitor_id, email: input.email.trim() };
}

export function parseEvent(body: unknown, appId: string, nowSeconds: number): EventInput {
  const input = parseVisitorRef(body, appId);
  if (typeof input.event_name !== "string" || input.event_name.trim() === "") {
    throw missing("event_name");
  }
  const createdAt = input.created_at ?? nowSeconds;
  if (typeof createdAt !== "number" || !Number.isInteger(createdAt)) {
    throw parameterInvalid("created_at must be Unix seconds (integer)");
  }
  const metadata =
    input.metadata === undefined || input.metadata === null ? {} : objectOf(input.metadata);
  for (const [key, value] of Object.entries(metadata)) {
    if (!isMetadataValue(value))
      throw parameterInvalid(`metadata '${key}' has an unsupported value`);
  }
  return {
    visitor_id: input.visitor_id,
    event_name: input.event_name.trim(),
    created_at: createdAt,
    // Only the first 10 keys are kept, in the order sent (intercom-api.md §1.3).
    metadata: Object.fromEntries(Object.entries(metadata).slice(0, 10)),
  };
}

/** Intercom caps a Messenger message far higher; the stand-in only refuses the absurd. */
const MAX_MESSAGE = 5_000;

export function parseMessage(body: unknown, appId: string): VisitorRef & { body: string } {
  const input = parseVisitorRef(body, appId);
  if (typeof input.body !== "string" || input.body.trim() === "") throw missing("body");
  if (input.body.length > MAX_MESSAGE) {
    throw parameterInvalid(`body must be at most ${MAX_MESSAGE} characters`);
  }
  return { visitor_id: input.visitor_id, body: input.body.trim() };
}
