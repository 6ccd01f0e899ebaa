import { browserStorage, createAliasMemory } from "./edges/alias-memory";
import { asHullBus, globalHull } from "./edges/hull-bus";
import { createMessenger } from "./edges/messenger";
import { connectMessenger } from "./connect-messenger";
import { readShipSettings } from "./mapping/ship-settings";

let started = false;

const schedule = (task: () => void, ms: number) => {
  const timer = setTimeout(task, ms);
  return () => clearTimeout(timer);
};

/**
 * The Hull.onEmbed callback. Hull.js calls it once per embedded element of every deployment of
 * the connector (hull-platform.md §1.2), so only the first call with a connected workspace starts
 * the Messenger: one boot per page.
 */
export function start(_rootNode: unknown, deployment: unknown, hull: unknown): void {
  if (started) return;
  try {
    const settings = readShipSettings(deployment);
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
