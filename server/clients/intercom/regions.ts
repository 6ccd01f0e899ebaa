export type Region = "US" | "EU" | "AU";

/** Intercom's regional REST hosts (reference/intercom-api.md §6). */
const REST_HOSTS: Record<Region, string> = {
  US: "https://api.intercom.io",
  EU: "https://api.eu.intercom.io",
  AU: "https://api.au.intercom.io",
};

/** The Messenger SDK calls Australia "ap", not "au". */
const MESSENGER_REGIONS: Record<Region, "us" | "eu" | "ap"> = { US: "us", EU: "eu", AU: "ap" };

export function normaliseRegion(value: unknown): Region {
  const upper = typeof value === "string" ? value.toUpperCase() : "";
  if (upper === "EU" || upper === "AU") return upper;
  if (upper === "AP") return "AU";
  return "US";
}

export function restBaseUrl(region: Region, override?: string): string {
  return override ?? REST_HOSTS[region];
}

export function messengerRegion(region: Region): "us" | "eu" | "ap" {
  return MESSENGER_REGIONS[region];
}
