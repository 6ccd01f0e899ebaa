import { isPlainObject, toScalar, type Scalar } from "./metadata-value";

/**
 * Keys a site's traits may not set through the Messenger: identity (user_id, email) comes from
 * Hull's current user only, so a trait cannot turn the visitor into someone else's Intercom user
 * behind Hull's back; settings belong to the connector.
 */
const RESERVED = new Set([
  "app_id",
  "api_base",
  "user_id",
  "email",
  "user_hash",
  "intercom_user_jwt",
  "region",
  "widgetUrl",
  "hide_default_launcher",
  "alignment",
  "custom_launcher_selector",
  "installation_type",
]);

/** Hull operations whose result equals the value sent; `inc`/`dec` need Hull's stored total. */
const MIRRORED_OPERATIONS = new Set([undefined, "set", "setIfNull"]);

/** Hull groups attributes with "/" ("shop/plan"); Intercom attribute names cannot hold "/" or ".". */
const attributeName = (name: string) => name.trim().replace(/[/.]/g, "_");

function traitValue(name: string, raw: unknown): Scalar | null | undefined {
  if (isPlainObject(raw) && "value" in raw) {
    const operation = raw.operation as string | undefined;
    if (!MIRRORED_OPERATIONS.has(operation)) return undefined;
    return traitValue(name, raw.value);
  }
  if (raw === null) return null;
  return toScalar(name, raw, "attribute");
}

/**
 * Maps what Hull.js emits as `hull.traits` (the hash as passed, `{value, operation}` objects
 * included; the `(name, value)` form arrives as `{[name]: value}`) to `Intercom('update', …)`
 * attributes, or null when nothing can be mirrored.
 * @example mapTraitsToUpdate({plan: {value: "pro", operation: "set"}}) // {plan: "pro"}
 */
export function mapTraitsToUpdate(traits: unknown): Record<string, Scalar | null> | null {
  if (!isPlainObject(traits)) return null;
  // Trait names are the site's: no prototype, so "__proto__" is a name like any other.
  const update: Record<string, Scalar | null> = Object.create(null);
  for (const [rawName, raw] of Object.entries(traits)) {
    const name = attributeName(rawName);
    if (name === "" || RESERVED.has(name)) continue;
    const value = traitValue(name, raw);
    if (value !== undefined) update[name] = value;
  }
  return Object.keys(update).length > 0 ? update : null;
}
