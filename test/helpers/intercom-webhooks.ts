import { createHmac, randomUUID } from "node:crypto";

/** Intercom's X-Hub-Signature for a raw body (reference/intercom-api.md §4.5). */
export function hubSignature(body: string, clientSecret: string): string {
  return `sha1=${createHmac("sha1", clientSecret).update(body).digest("hex")}`;
}

/** POSTs a notification to a connector's /intercom, signed as Intercom would. */
export function deliverSigned(
  connectorUrl: string,
  clientSecret: string,
  envelope: unknown,
): Promise<Response> {
  const body = JSON.stringify(envelope);
  return fetch(`${connectorUrl}/intercom`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-hub-signature": hubSignature(body, clientSecret),
    },
    body,
  });
}

/** A 2.x conversation notification about one contact, carrying `message` in a part. */
export function conversationNotification(
  appId: string,
  contactId: string,
  message: string,
  options: { topic?: string; id?: string; conversationId?: string } = {},
) {
  const conversationId = options.conversationId ?? randomUUID();
  return {
    type: "notification_event",
    app_id: appId,
    topic: options.topic ?? "conversation.user.replied",
    id: options.id ?? `notif_${randomUUID()}`,
    data: {
      item: {
        type: "conversation",
        id: conversationId,
        contacts: { contacts: [{ id: contactId }] },
        source: { body: message },
        conversation_parts: {
          conversation_parts: [{ id: `part-${conversationId}`, body: message }],
        },
      },
    },
  };
}
