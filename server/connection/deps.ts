import type { HullRestClient } from "../clients/hull/rest";
import type { HullCredentials } from "../clients/hull/types";
import type { IntercomConnections } from "../clients/intercom/connections";
import type { OAuthApp } from "../clients/intercom/oauth";
import type { Logger } from "../log";
import type { WorkspaceRegistry } from "../registry";

export interface ConnectionDeps {
  oauthApp: OAuthApp;
  intercom: IntercomConnections;
  registry: WorkspaceRegistry;
  hullClient(credentials: HullCredentials): HullRestClient;
  logger: Logger;
  now?: () => Date;
}
