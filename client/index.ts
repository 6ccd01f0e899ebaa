// ship.js: Hull.js injects this script into pages of a Hull platform where the connector is deployed.
// Hull.onEmbed must be called synchronously at load: Hull.js matches the callback to its deployment
// through document.currentScript.
interface HullGlobal {
  onEmbed(callback: (rootNode: HTMLElement, deployment: unknown, hull: unknown) => void): void;
}

const hull = (window as unknown as { Hull?: HullGlobal }).Hull;
if (hull && typeof hull.onEmbed === "function") {
  hull.onEmbed(() => undefined);
}
