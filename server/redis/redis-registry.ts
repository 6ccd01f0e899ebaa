import type { Redis } from "ioredis";
import { decrypt, deriveKey, encrypt } from "../crypto";
import type { WorkspaceRegistry } from "../registry";

/** The workspace → connectors registry in Redis: one hash per workspace, secrets encrypted. */
export function createRedisRegistry(
  redis: Redis,
  prefix: string,
  secret: string,
): WorkspaceRegistry {
  const sealKey = deriveKey(secret, "registry");
  const key = (appId: string) => `${prefix}:workspace:${appId}`;
  // Connector id → workspace app id, so a connector is found by its id alone (findConnector).
  const byConnector = `${prefix}:connector-workspace`;
  return {
    async findConnector(connectorId) {
      const appId = await redis.hget(byConnector, connectorId);
      if (!appId) return undefined;
      return (await this.connectorsFor(appId)).find((found) => found.id === connectorId);
    },
    async connectorsFor(appId) {
      const fields = await redis.hgetall(key(appId));
      return Object.entries(fields).flatMap(([id, value]) => {
        try {
          const { organization, sealedSecret } = JSON.parse(value) as {
            organization: string;
            sealedSecret: string;
          };
          return [{ id, organization, secret: decrypt(sealKey, sealedSecret) }];
        } catch {
          return [];
        }
      });
    },
    async register(appId, credentials) {
      await redis.hset(byConnector, credentials.id, appId);
      await redis.hset(
        key(appId),
        credentials.id,
        JSON.stringify({
          organization: credentials.organization,
          sealedSecret: encrypt(sealKey, credentials.secret),
        }),
      );
    },
    async unregister(appId, connectorId) {
      await redis.hdel(key(appId), connectorId);
      if ((await redis.hget(byConnector, connectorId)) === appId)
        await redis.hdel(byConnector, connectorId);
    },
  };
}
