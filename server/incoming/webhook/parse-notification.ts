import { z } from "zod";
import { util } from "zod/v4/core";
import type { IntercomNotification } from "../mapping/notification-to-hull";

/** The envelope's rules, and the wording of a refusal. */
const envelope = z.object({
  app_id: z.string().min(1).max(100),
  topic: z.string().min(1).max(200),
  id: z.string().max(200).nullish(),
  created_at: z.union([z.number(), z.string()]).nullish(),
  data: z.object({ item: z.record(z.string(), z.unknown()) }).nullish(),
});

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A string of `min` (0 or 1) to `max` characters by the envelope's measure. Zod counts code points
 * and a code point is one or two UTF-16 units, so a string within `max` units is within `max` code
 * points, and any non-empty string has one; longer ones are left to zod.
 */
const fits = (value: unknown, min: 0 | 1, max: number): value is string =>
  typeof value === "string" && value.length >= min && value.length <= max;

/**
 * The notification when the body plainly meets the envelope's rules, checked directly; otherwise
 * undefined, and zod decides. Sufficient, never looser: every JSON body taken here zod takes too,
 * with the same fields. Zod parsed every field of the item and copied it as a record, most of the
 * envelope's cost per notification (bench/README.md, CPU hot spots); the item is read as it is.
 */
function plainlyWellFormed(body: unknown): IntercomNotification | undefined {
  if (!isObject(body)) return undefined;
  const { app_id, topic, id, created_at, data } = body;
  if (!fits(app_id, 1, 100) || !fits(topic, 1, 200)) return undefined;
  if (id != null && !fits(id, 0, 200)) return undefined;
  const time =
    created_at == null ||
    typeof created_at === "string" ||
    (typeof created_at === "number" && Number.isFinite(created_at));
  if (!time) return undefined;
  // The item as zod's record takes it (its own test of a plain object); an own "__proto__" key,
  // which the record leaves out of its copy, is left to zod.
  if (data != null && !(isObject(data) && util.isPlainObject(data.item))) return undefined;
  if (data != null && Object.hasOwn(data.item as object, "__proto__")) return undefined;
  return {
    app_id,
    topic,
    id: id ?? null,
    created_at: created_at ?? undefined,
    data: { item: (data?.item as Record<string, unknown> | undefined) ?? {} },
  };
}

/** The envelope fields we route by; the item stays loose, as vendors add fields at will. */
export function parseNotification(
  body: unknown,
): { notification: IntercomNotification } | { problem: string } {
  const plain = plainlyWellFormed(body);
  if (plain) return { notification: plain };
  const parsed = envelope.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return {
      problem: `Not an Intercom notification: ${issue.path.join(".") || "body"} ${issue.message}`,
    };
  }
  const { app_id, topic, id, created_at, data } = parsed.data;
  return {
    notification: {
      app_id,
      topic,
      id: id ?? null,
      created_at: created_at ?? undefined,
      data: { item: data?.item ?? {} },
    },
  };
}
