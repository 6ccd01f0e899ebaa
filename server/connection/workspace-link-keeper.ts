import { LRUCache } from "lru-cache";
import { credentialsIdentity, type HullAuthenticator } from "../clients/hull/authenticate";
import type { HullConnector, HullCredentials } from "../clients/hull/types";
import type { ActivityLog } from "../activity";
import { TokenRevokedError } from "../clients/intercom/errors";
import { workspaceLinkRestoredEntry } from "../activity-entries";
import { logLevelFor } from "../errors";
import { isConnected, readSettings } from "../settings";
import type { ConnectionDeps } from "./deps";

/** What one check found: see `WorkspaceLinkKeeper.keep`. */
export type WorkspaceLinkCheck =
  "linked" | "restored" | "not-connected" | "refused" | "recent" | "failed";

/**
 * Keeps the registry's workspace → connector links (DESIGN.md §3) in step with Hull, which holds
 * the truth: a connector whose private_settings say it is connected to a workspace must be found
 * by that workspace's webhooks. The link is written at OAuth connect only, so a Redis restarted
 * without its data, or a DATA_DIR lost with its container, silently dropped every webhook as
 * "unknown-workspace" while Hull still showed the connector connected (docs/adr/030).
 */
export interface WorkspaceLinkKeeper {
  /**
   * Checks that `connector` (as Hull confirmed it for `credentials`) is linked to its workspace
   * with these credentials, and links it again when it is not (missing, or sealed with an older
   * secret). Each connector is checked at most once per `recheckMs`; a failed check is not
   * remembered, so the next call tries again. Resolves to what it found; never rejects (failures
   * are logged: debug while Redis is known away, warn otherwise).
   */
  keep(credentials: HullCredentials, connector: HullConnector): Promise<WorkspaceLinkCheck>;
  /**
   * Forgets which connectors were checked, so each is checked on its next call: the webhook
   * receiver's answer to a notification no connector is linked to (a link may have just been lost).
   */
  recheck(): void;
}

export interface WorkspaceLinkKeeperOptions {
  /** How long (ms) a connector found linked or restored is not checked again. Default 5 minutes. */
  recheckMs?: number;
  /** Connectors remembered at most (an LRU). Default 10,000. */
  maxConnectors?: number;
}

/**
 * The keeper. A missing link is restored only after the connector is read again from Hull (the
 * caller's copy may be up to a minute old, the authenticator's cache, and a connector disconnected
 * since must not be linked again) and Intercom's `GET /me` with the connector's token names the
 * same workspace (settings are not proof: see `check`). A refused restore is logged at warn and
 * not tried again for `recheckMs`.
 */
export function createWorkspaceLinkKeeper(
  deps: Pick<ConnectionDeps, "registry" | "hullClient" | "intercom" | "logger"> & {
    activity?: ActivityLog;
  },
  { recheckMs = 5 * 60_000, maxConnectors = 10_000 }: WorkspaceLinkKeeperOptions = {},
): WorkspaceLinkKeeper {
  // Keyed by everything a link holds: new credentials for the same connector are checked anew.
  const recent = new LRUCache<string, true>({ max: maxConnectors, ttl: recheckMs });

  async function check(
    credentials: HullCredentials,
    connector: HullConnector,
  ): Promise<WorkspaceLinkCheck> {
    const settings = readSettings(connector);
    if (!isConnected(settings)) return "not-connected";
    const appId = settings.workspace.app_id;
    if (await isLinked(appId, credentials)) return "linked";
    const fresh = readSettings(await deps.hullClient(credentials).getConnector());
    if (!isConnected(fresh)) return "not-connected";
    const freshAppId = fresh.workspace.app_id;
    if (freshAppId !== appId && (await isLinked(freshAppId, credentials))) return "linked";
    // private_settings can be written by anyone who administers the Hull organization, so a
    // workspace named there is believed only when Intercom says the token belongs to it, as at
    // OAuth connect: otherwise one organization could route another's webhooks to itself.
    const tokenWorkspace = await workspaceOfToken(fresh.accessToken);
    if (tokenWorkspace !== freshAppId) {
      deps.logger.warn(
        { connector: credentials.id, workspace: freshAppId, token_workspace: tokenWorkspace },
        "workspace link not restored: Intercom does not confirm that the connector's token belongs to the workspace its settings name",
      );
      return "refused";
    }
    await deps.registry.register(freshAppId, credentials);
    // A disconnect (or a move) that ran while Intercom was asked unregistered before this register
    // landed: read Hull once more, after the write, and take the link back if it is no longer
    // true. A disconnect writing Hull after this read unregisters after it (found in review).
    const after = readSettings(await deps.hullClient(credentials).getConnector());
    if (!isConnected(after) || after.workspace.app_id !== freshAppId) {
      await deps.registry.unregister(freshAppId, credentials.id);
      return "not-connected";
    }
    deps.logger.warn(
      { connector: credentials.id, workspace: freshAppId },
      "workspace link was missing from the registry (Redis or DATA_DIR emptied?); restored from Hull's settings",
    );
    deps.activity?.record(credentials.id, workspaceLinkRestoredEntry(freshAppId));
    return "restored";
  }

  /** The workspace Intercom says the token belongs to; null when Intercom refuses the token. */
  async function workspaceOfToken(token: string): Promise<string | null> {
    try {
      return (await deps.intercom.forToken(token).me()).app?.id_code ?? null;
    } catch (error) {
      if (error instanceof TokenRevokedError) return null;
      throw error;
    }
  }

  async function isLinked(appId: string, credentials: HullCredentials): Promise<boolean> {
    const linked = await deps.registry.connectorsFor(appId);
    return linked.some(
      (entry) =>
        entry.id === credentials.id &&
        entry.organization === credentials.organization &&
        entry.secret === credentials.secret,
    );
  }

  return {
    async keep(credentials, connector) {
      const key = credentialsIdentity(credentials);
      if (recent.has(key)) return "recent";
      // Taken before the check, so concurrent requests of one connector check once.
      recent.set(key, true);
      try {
        return await check(credentials, connector);
      } catch (error) {
        recent.delete(key);
        deps.logger[logLevelFor(error)](
          { connector: credentials.id, err: error },
          "could not check the connector's workspace link; tried again on Hull's next call",
        );
        return "failed";
      }
    },
    recheck() {
      recent.clear();
    },
  };
}

/**
 * `auth`, with every connector Hull confirms handed to `keeper` (in the background: no request
 * waits for the registry). Every route Hull calls authenticates through here (query credentials,
 * dashboard tokens, the smart-notifier), so a lost link returns on Hull's next call of any kind,
 * at the latest its status check every 5 minutes (manifest.json `statuses`).
 */
export function keepingWorkspaceLinks(
  auth: HullAuthenticator,
  keeper: WorkspaceLinkKeeper,
): HullAuthenticator {
  return {
    async authenticate(credentials, options) {
      const connector = await auth.authenticate(credentials, options);
      void keeper.keep(credentials, connector);
      return connector;
    },
    forget: (credentials) => auth.forget(credentials),
    cachedCount: () => auth.cachedCount(),
  };
}
