// ship.js: Hull.js injects this script into pages of a Hull platform where the connector is deployed.
// Hull.onEmbed must be called synchronously at load: Hull.js matches the callback to its deployment
// through document.currentScript (hull-platform.md §1.2).
import { globalHull } from "./edges/hull-bus";
import { start } from "./start";

globalHull()?.onEmbed(start);
