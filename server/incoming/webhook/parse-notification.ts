import { z } from "zod";
import type { IntercomNotification } from "../mapping/notification-to-hull";

const envelope = z.object({
  app_id: z.string().min(1).max(100),
  topic: z.string().min(1).max(200),
  id: z.string().max(200).nullish(),
  created_at: z.union([z.number(), z.string()]).nullish(),
  data: z.object({ item: z.record(z.string(), z.unknown()) }).nullish(),
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
