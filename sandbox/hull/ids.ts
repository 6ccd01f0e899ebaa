import { createHash, randomBytes } from "node:crypto";

/** Hull ids are Mongo ObjectIds: 24 hex characters (hull-platform.md §2.2: "Fakes must use 24-hex ids"). */
export const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** A stable 24-hex id derived from a seed, so that URLs stay the same between runs. */
export function derivedObjectId(seed: string): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, 24);
}

/** A stable 32-hex secret derived from a seed. */
export function derivedSecret(seed: string): string {
  return createHash("sha256").update(`secret:${seed}`).digest("hex").slice(0, 32);
}

export function randomObjectId(): string {
  return randomBytes(12).toString("hex");
}
