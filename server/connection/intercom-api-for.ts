import type { IntercomApi } from "../clients/intercom/api";
import type { IntercomConnections, RetryPolicy } from "../clients/intercom/connections";
import { isConnected, type ConnectorSettings } from "../settings";

/** The Intercom API of the workspace a connector is connected to, or undefined when it is not. */
export function intercomApiFor(
  intercom: IntercomConnections,
  settings: ConnectorSettings,
  retries?: RetryPolicy,
): IntercomApi | undefined {
  if (!isConnected(settings)) return undefined;
  const { app_id: appId, region } = settings.workspace;
  return intercom.forWorkspace({ appId, region, token: settings.accessToken }, retries);
}
