import { browserStorage, createAliasMemory } from "./edges/alias-memory";
import { asHullBus, globalHull } from "./edges/hull-bus";
import { createMessenger } from "./edges/messenger";
import { connectMessenger } from "./connect-messenger";
import { fetchServedSettings } from "./edges/served-settings";
import { readShipSettings, servedSettingsUrl } from "./mapping/ship-settings";

let started = false;

const schedule = (task: () => void, ms: number) => {
  const timer = setTimeout(task, ms);
  return () => clearTimeout(timer);
};

/**
 * The Hull.onEmbed callback. Hull.js calls it once per embedded element of every deployment of
 * the connector (hull-platform.md §1.2), so only the first call with a connected workspace starts
 * the Messenger: one boot per page. The workspace comes from the connector (`GET /ship/settings`,
 * docs/adr/007) when the deployment names where it is; else from the deployment's settings.
 */
export function start(_rootNode: unknown, deployment: unknown, hull: unknown): void {
  if (started) return;
  try {
    const url = servedSettingsUrl(deployment);
    if (!url) {
      boot(deployment, undefined, hull);
      return;
    }
    void fetchServedSettings(url).then((served) => boot(deployment, served, hull));
  } catch {
    // never throw into the page: without the Messenger, the site still works
  }
}

function boot(deployment: unknown, served: unknown, hull: unknown): void {
  if (started) return;
  try {
    const settings = readShipSettings(deployment, served);
    const bus = asHullBus(hull) ?? asHullBus(globalHull());
    if (!settings || !bus) return;
    started = true;
    connectMessenger({
      bus,
      messenger: createMessenger(settings),
      aliasMemory: createAliasMemory(browserStorage()),
      schedule,
    });
  } catch {
    // never throw into the page: without the Messenger, the site still works
  }
}
