import type { IntercomApi } from "../clients/intercom/api";
import type { IntercomConnections } from "../clients/intercom/connections";
import type { ConnectorSettings } from "../settings";

/** The Intercom API of the workspace a connector is connected to, or undefined when it is not. */
export function intercomApiFor(
  intercom: IntercomConnections,
  settings: ConnectorSettings,
): IntercomApi | undefined {
  if (!settings.accessToken || !settings.workspace) return undefined;
  return intercom.forWorkspace({
    appId: settings.workspace.app_id,
    region: settings.workspace.region,
    token: settings.accessToken,
  });
}
