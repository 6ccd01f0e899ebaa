import { z } from "zod";
import type { IntercomNotification } from "../mapping/notification-to-hull";

/** Zod's own check of a record, used only to word a refusal (below). */
const record = z.record(z.string(), z.unknown());

/**
 * `data.item` must be a JSON object; its fields stay loose, as vendors add fields at will. Checked
 * as one object, not as a zod record: a record parses every field and copies the item, which was
 * most of the envelope's cost per notification (bench/README.md, CPU hot spots). A value parsed
 * from JSON is a record exactly when it is a non-null, non-array object (its keys are strings), so
 * the same items pass; a refusal keeps the record's wording.
 */
const item = z.custom<Record<string, unknown>>(
  (value) => typeof value === "object" && value !== null && !Array.isArray(value),
  { error: (issue) => record.safeParse(issue.input).error?.issues[0]?.message },
);

const envelope = z.object({
  app_id: z.string().min(1).max(100),
  topic: z.string().min(1).max(200),
  id: z.string().max(200).nullish(),
  created_at: z.union([z.number(), z.string()]).nullish(),
  data: z.object({ item }).nullish(),
});

/** The envelope fields we route by; the item stays loose, as vendors add fields at will. */
export function parseNotification(
  body: unknown,
): { notification: IntercomNotification } | { problem: string } {
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
