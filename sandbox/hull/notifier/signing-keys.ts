import { generateKeyPairSync } from "node:crypto";
import jwt from "jsonwebtoken";

export interface SigningKeys {
  publicKeyPem: string;
  privateKeyPem: string;
}

/** A fresh RSA key pair per sandbox start: the notifier signs, the public key URL serves the PEM. */
export function createSigningKeys(): SigningKeys {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

/**
 * The `x-hull-smart-notifier-signature` header: an RS256 JWT whose `jti` is the notification id
 * (connectors verify it with `jwtid == body.notification_id`, hull-platform.md §2.1).
 */
export function signNotification(
  keys: SigningKeys,
  notificationId: string,
  organization: string,
): string {
  return jwt.sign({}, keys.privateKeyPem, {
    algorithm: "RS256",
    jwtid: notificationId,
    issuer: organization,
    expiresIn: "1h",
  });
}
