import type { Context, Next } from "koa";
import { IntercomError } from "../errors.js";

// Valid values: 1.0–1.4, 2.0–2.16, Preview (older: Unstable) (intercom-api.md §0).
const known = new Set([
  ...["1.0", "1.1", "1.2", "1.3", "1.4"],
  ...Array.from({ length: 17 }, (_, minor) => `2.${minor}`),
  "Preview",
  "Unstable",
]);

export async function checkVersion(ctx: Context, next: Next): Promise<void> {
  const version = ctx.get("Intercom-Version");
  if (version !== "" && !known.has(version)) {
    throw new IntercomError(
      400,
      "intercom_version_invalid",
      `Requested resource version '${version}' is not valid`,
    );
  }
  await next();
}
