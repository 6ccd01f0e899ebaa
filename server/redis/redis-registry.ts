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
  return {
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
    },
  };
}
