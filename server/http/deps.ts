import type { ActivityLog } from "../activity";
import type { HullAuthenticator } from "../clients/hull/authenticate";
import type { TokenIssuer } from "../clients/hull/tokens";
import type { ConnectionDeps } from "../connection/deps";

/** Everything the HTTP surfaces need, built once by main.ts (or by a test). */
export interface AppDeps extends ConnectionDeps {
  publicUrl: string;
  hullAuth: HullAuthenticator;
  tokens: TokenIssuer;
  activity: ActivityLog;
  /** Where the Rollup bundles are (ship.js, dashboard.js). */
  assetsDir: string;
  manifest: Record<string, unknown>;
}
