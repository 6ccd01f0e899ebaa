import { isPlainObject } from "./metadata-value";

/** Intercom's Messenger regions as the SDK names them: Australia is "ap" (intercom-api.md §5). */
export type Region = "us" | "eu" | "ap";

/** The public settings ship.js reads from `deployment.ship.settings` (manifest.json `settings`). */
export interface ShipSettings {
  appId: string;
  region: Region;
  /** Where the widget script comes from; undefined = Intercom's own widget.intercom.io. */
  widgetUrl?: string;
  hideDefaultLauncher: boolean;
  alignment: "left" | "right";
}

const REGIONS: readonly string[] = ["us", "eu", "ap"];

/**
 * Reads the connector's public settings from the deployment Hull.js hands to onEmbed, or null
 * when there is no Intercom workspace yet (the connector fills app_id in after OAuth).
 */
export function readShipSettings(deployment: unknown): ShipSettings | null {
  const ship = isPlainObject(deployment) ? deployment.ship : undefined;
  const settings = isPlainObject(ship) ? ship.settings : undefined;
  if (!isPlainObject(settings)) return null;
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
