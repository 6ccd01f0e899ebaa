import type { HullCredentials } from "../clients/hull/types";
import { exchangeCode } from "../clients/intercom/oauth";
import { normaliseRegion } from "../clients/intercom/regions";
import { UpstreamRefusedError } from "../errors";
import { connectionSettings, readSettings, type ConnectedWorkspace } from "../settings";
import type { ConnectionDeps } from "./deps";

/**
 * Finishes OAuth: trades the code for a token (sending `redirectUri`, the callback URL the
 * authorize step named), learns the workspace from /me, stores both in the
 * connector's private_settings through Hull, and records the workspace → connector route for
 * webhooks.
 * Throws UpstreamRefusedError when Intercom refuses the code or does not name the workspace,
 * RetryableError when Intercom or Hull is unreachable, and what Hull's settings write throws.
 */
export async function connectWorkspace(
  deps: ConnectionDeps,
  credentials: HullCredentials,
  code: string,
  redirectUri: string,
): Promise<ConnectedWorkspace> {
  const token = await exchangeCode(deps.oauthApp, code, redirectUri);
  const me = await deps.intercom.forToken(token).me();
  if (!me.app?.id_code)
    throw new UpstreamRefusedError(
      "intercom",
      200,
      "Intercom did not say which workspace was connected; try again.",
    );
  const workspace: ConnectedWorkspace = {
    app_id: me.app.id_code,
    name: me.app.name,
    region: normaliseRegion(me.app.region),
    admin: { id: me.id, name: me.name, email: me.email },
    connected_at: (deps.now?.() ?? new Date()).toISOString(),
  };
  const hull = deps.hullClient(credentials);
  const previous = readSettings(await hull.getConnector()).workspace;
  await hull.updateSettings(connectionSettings(token, workspace));
  await deps.registry.register(workspace.app_id, credentials);
  if (previous && previous.app_id !== workspace.app_id)
    await deps.registry.unregister(previous.app_id, credentials.id);
  deps.logger.info(
    { connector: credentials.id, workspace: workspace.app_id, region: workspace.region },
    "intercom connected",
  );
  return workspace;
}
