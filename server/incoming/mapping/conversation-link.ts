import type { Region } from "../../clients/intercom/regions";

/** Intercom's web app per region, where a person opens a conversation (reference/intercom-api.md §6). */
const APP_HOSTS: Record<Region, string> = {
  US: "https://app.intercom.com",
  EU: "https://app.eu.intercom.com",
  AU: "https://app.au.intercom.com",
};

/** The inbox link of one conversation, for the Hull event's `link` property. */
export function conversationLink(region: Region, appId: string, conversationId: string): string {
  return `${APP_HOSTS[region]}/a/apps/${encodeURIComponent(appId)}/inbox/inbox/conversation/${encodeURIComponent(conversationId)}`;
}
