/** Event metadata values Intercom takes: scalars, a rich link or a price (intercom-api.md §1.3). */
export function isMetadataValue(value: unknown): boolean {
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) return true;
  if (typeof value !== "object" || Array.isArray(value)) return false;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).sort().join(",");
  return (
    (keys === "url,value" && typeof object.url === "string") ||
    (keys === "amount,currency" &&
      Number.isInteger(object.amount) &&
      typeof object.currency === "string")
  );
}
