import type { HullCredentials } from "../clients/hull/types";
import { TokenRevokedError } from "../clients/intercom/errors";
import { revokeToken } from "../clients/intercom/oauth";
import { disconnectionSettings, isConnected, readSettings } from "../settings";
import type { ActivityLog } from "../activity";
import { disconnectedEntry } from "../activity-entries";
import type { ConnectionDeps } from "./deps";
import { intercomApiFor } from "./intercom-api-for";

/** "Start over": revoke the token at Intercom (unless it is already gone) and forget the workspace. */
export async function disconnectWorkspace(
  deps: ConnectionDeps,
  credentials: HullCredentials,
  { revoke }: { revoke: boolean },
): Promise<void> {
  const hull = deps.hullClient(credentials);
  const settings = readSettings(await hull.getConnector());
  if (revoke && settings.accessToken) {
    const revoked = await revokeToken(deps.oauthApp, settings.accessToken);
    if (!revoked)
      deps.logger.warn(
        { connector: credentials.id },
        "intercom did not confirm the token revocation",
      );
  }
  await hull.updateSettings(disconnectionSettings());
  if (settings.workspace) await deps.registry.unregister(settings.workspace.app_id, credentials.id);
  deps.logger.info(
    { connector: credentials.id, workspace: settings.workspace?.app_id, revoke },
    "intercom disconnected",
  );
}

/**
 * Intercom's uninstall notification is a bare `{app_id}`. We believe it only for connectors whose
 * token Intercom now refuses, so a forged notification cannot disconnect anyone.
 */
export async function handleUninstall(
  deps: ConnectionDeps & { activity?: ActivityLog },
  appId: string,
): Promise<number> {
  let disconnected = 0;
  for (const credentials of await deps.registry.connectorsFor(appId)) {
    try {
      const settings = readSettings(await deps.hullClient(credentials).getConnector());
      if (!isConnected(settings)) {
        await deps.registry.unregister(appId, credentials.id);
        continue;
      }
      await intercomApiFor(deps.intercom, settings)?.me();
    } catch (error) {
      if (!(error instanceof TokenRevokedError)) {
        deps.logger.warn(
          { connector: credentials.id, workspace: appId, err: error },
          "uninstall check failed",
        );
        continue;
      }
      await disconnectWorkspace(deps, credentials, { revoke: false });
      deps.activity?.record(
        credentials.id,
        disconnectedEntry("Intercom (the app was uninstalled)"),
      );
      disconnected += 1;
    }
  }
  return disconnected;
}
