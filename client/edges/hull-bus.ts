// A typed view of the parts of window.Hull (Hull.js 0.10) that ship.js uses (hull-platform.md §1.3, §1.4).

/** Inside a listener, EventEmitter2 sets `this.event` to the event's name. */
export type BusListener = (this: { event?: string } | undefined, ...args: unknown[]) => void;

export interface HullBus {
  on(event: string, listener: BusListener): unknown;
  off?(event: string, listener: BusListener): unknown;
  /** `POST /api/v1/me/alias {anonymous_id}`; a promise in Hull.js. */
  alias(anonymousId: string): unknown;
  /** The user object, or null when logged out (the docs say false). */
  currentUser(): unknown;
  config(key?: string): unknown;
}

export interface HullGlobal extends HullBus {
  onEmbed(callback: (rootNode: unknown, deployment: unknown, hull: unknown) => void): void;
}

const hasMethods = (value: unknown, names: string[]): boolean =>
  typeof value === "object" &&
  value !== null &&
  names.every((name) => typeof (value as Record<string, unknown>)[name] === "function");

/** The Hull object handed to onEmbed (a sandbox copy of window.Hull), when it has what we use. */
export function asHullBus(value: unknown): HullBus | null {
  return hasMethods(value, ["on", "alias", "currentUser", "config"]) ? (value as HullBus) : null;
}

/** window.Hull when Hull.js is on the page and can embed ships. */
export function globalHull(): HullGlobal | null {
  const hull = (globalThis as { Hull?: unknown }).Hull;
  return hasMethods(hull, ["onEmbed"]) ? (hull as HullGlobal) : null;
}

/** Reads Hull's config without letting a broken config throw. */
export function readConfig(bus: HullBus, key: string): unknown {
  try {
    return bus.config(key);
  } catch {
    return undefined;
  }
}
