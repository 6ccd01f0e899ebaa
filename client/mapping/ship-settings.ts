import { isPlainObject } from "./metadata-value";

/** Intercom's Messenger regions as the SDK names them: Australia is "ap" (intercom-api.md §5). */
export type Region = "us" | "eu" | "ap";

/** The Messenger settings ship.js boots with (see readShipSettings for where each comes from). */
export interface ShipSettings {
  appId: string;
  region: Region;
  /** Where the widget script comes from; undefined = Intercom's own widget.intercom.io. */
  widgetUrl?: string;
  hideDefaultLauncher: boolean;
  alignment: "left" | "right";
}

const REGIONS: readonly string[] = ["us", "eu", "ap"];
/** What the connector serves; the script URL only ever comes from Hull's public settings. */
const SERVED_KEYS = ["app_id", "region", "show_messenger", "alignment"] as const;

/**
 * Where the connector serves this deployment's Messenger settings (`GET /ship/settings`,
 * docs/adr/007): the ship's `source_url` (the connector's URL, as Hull's ship object carries it)
 * and its id; null when the deployment names neither.
 */
export function servedSettingsUrl(deployment: unknown): string | null {
  const ship = isPlainObject(deployment) ? deployment.ship : undefined;
  if (!isPlainObject(ship)) return null;
  const { id, source_url: sourceUrl } = ship;
  if (typeof id !== "string" || !/^[0-9a-f]{24}$/i.test(id)) return null;
  if (typeof sourceUrl !== "string" || !/^https?:\/\//.test(sourceUrl)) return null;
  try {
    const url = new URL("ship/settings", sourceUrl.endsWith("/") ? sourceUrl : `${sourceUrl}/`);
    url.searchParams.set("ship", id);
    return url.toString();
  } catch {
    return null;
  }
}

/**
 * Reads the Messenger settings: those the connector served (`served`: app_id, region,
 * show_messenger, alignment from its private_settings) over the deployment's public settings
 * (widget_url, and app_id on installs from before docs/adr/007). Null when there is no Intercom
 * workspace yet.
 */
export function readShipSettings(deployment: unknown, served?: unknown): ShipSettings | null {
  const ship = isPlainObject(deployment) ? deployment.ship : undefined;
  const publicSettings = isPlainObject(ship) && isPlainObject(ship.settings) ? ship.settings : {};
  const fromConnector = isPlainObject(served)
    ? Object.fromEntries(SERVED_KEYS.filter((key) => key in served).map((k) => [k, served[k]]))
    : {};
  const settings = { ...publicSettings, ...fromConnector };
  const appId = typeof settings.app_id === "string" ? settings.app_id.trim() : "";
  if (appId === "") return null;
  const region = typeof settings.region === "string" ? settings.region.toLowerCase() : "";
  const widgetUrl =
    typeof settings.widget_url === "string" && /^https?:\/\//.test(settings.widget_url)
      ? settings.widget_url
      : undefined;
  return {
    appId,
    region: REGIONS.includes(region) ? (region as Region) : "us",
    ...(widgetUrl ? { widgetUrl } : {}),
    hideDefaultLauncher: settings.show_messenger === false,
    alignment: settings.alignment === "left" ? "left" : "right",
  };
}
