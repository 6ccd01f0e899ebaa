import jwt from "jsonwebtoken";
import { decrypt, deriveKey, encrypt } from "../../crypto";
import { UnauthorizedError } from "../../errors";
import type { HullCredentials } from "./types";

/** What a connector-minted token is for; a token minted for one purpose is refused for another. */
export type TokenPurpose = "dashboard" | "oauth-state";

const LIFETIME: Record<TokenPurpose, string> = { dashboard: "12h", "oauth-state": "10m" };

export interface TokenIssuer {
  /** `nonce` binds the token to something only its holder has (the OAuth state to a browser cookie). */
  mint(credentials: HullCredentials, purpose: TokenPurpose, nonce?: string): string;
  /** The credentials inside a token, or UnauthorizedError saying why it is refused. */
  read(token: string | undefined, purpose: TokenPurpose, nonce?: string): HullCredentials;
}

/**
 * Tokens signed with SECRET that stand for a connector's credentials. The connector secret inside
 * is encrypted, because these tokens travel through browsers (dashboard links, OAuth state).
 * `read` throws UnauthorizedError (code "token-expired" for an expired token).
 */
export function createTokenIssuer(secret: string): TokenIssuer {
  const sealKey = deriveKey(secret, "token-seal");
  const signKey = deriveKey(secret, "token-sign");
  return {
    mint(credentials, purpose, nonce) {
      const payload = {
        org: credentials.organization,
        sub: credentials.id,
        sealed: encrypt(sealKey, credentials.secret),
      };
      return jwt.sign(payload, signKey, {
        algorithm: "HS256",
        audience: purpose,
        expiresIn: LIFETIME[purpose],
        ...(nonce ? { jwtid: nonce } : {}),
      } as jwt.SignOptions);
    },
    read(token, purpose, nonce) {
      if (!token) throw new UnauthorizedError("Missing token");
      let payload: jwt.JwtPayload;
      try {
        payload = jwt.verify(token, signKey, {
          algorithms: ["HS256"],
          audience: purpose,
        }) as jwt.JwtPayload;
      } catch (error) {
        const expired = error instanceof jwt.TokenExpiredError;
        if (expired)
          throw new UnauthorizedError(
            "This link has expired: open the connector again from Hull",
            "token-expired",
          );
        throw new UnauthorizedError("Invalid token");
      }
      // Checked here: jsonwebtoken skips its own jwtid check for an empty expected value.
      if (nonce !== undefined && (!nonce || payload.jti !== nonce)) {
        throw new UnauthorizedError("Invalid token");
      }
      if (
        typeof payload.org !== "string" ||
        typeof payload.sub !== "string" ||
        typeof payload.sealed !== "string"
      ) {
        throw new UnauthorizedError("Invalid token");
      }
      try {
        return {
          organization: payload.org,
          id: payload.sub,
          secret: decrypt(sealKey, payload.sealed),
        };
      } catch {
        throw new UnauthorizedError("Invalid token");
      }
    },
  };
}
