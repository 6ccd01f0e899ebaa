import { isPlainObject } from "./metadata-value";

/** Who the Messenger boots as; an anonymous visitor has no identity (intercom-api.md §5). */
export interface MessengerIdentity {
  user_id?: string;
  email?: string;
  name?: string;
  user_hash?: string;
  intercom_user_jwt?: string;
}

const text = (value: unknown) =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;

/**
 * Identity verification that Hull's remote config may expose for the current user. hull-segment
 * reads `services.analytics.intercom.credentials.user_hash` (hull-platform.md §1.3); a connector of
 * its own would sit at `services.intercom`. Never computed here: the secret stays on a server.
 */
function verification(
  services: unknown,
): Pick<MessengerIdentity, "user_hash" | "intercom_user_jwt"> {
  if (!isPlainObject(services)) return {};
  const analytics = isPlainObject(services.analytics) ? services.analytics : {};
  for (const holder of [services.intercom, analytics.intercom]) {
    const credentials = isPlainObject(holder) ? holder.credentials : undefined;
    if (!isPlainObject(credentials)) continue;
    const userHash = text(credentials.user_hash);
    const jwt = text(credentials.intercom_user_jwt);
    if (userHash || jwt) {
      return {
        ...(userHash ? { user_hash: userHash } : {}),
        ...(jwt ? { intercom_user_jwt: jwt } : {}),
      };
    }
  }
  return {};
}

/**
 * Maps Hull's current user to Messenger identity, or null for an anonymous visitor. Intercom's
 * user_id is the customer's own id, Hull's `external_id` (DESIGN.md §4), never Hull's internal id.
 */
export function mapUserToIdentity(user: unknown, services?: unknown): MessengerIdentity | null {
  if (!isPlainObject(user)) return null;
  const userId = text(user.external_id);
  const email = text(user.email);
  if (!userId && !email) return null;
  const name = text(user.name);
  return {
    ...(userId ? { user_id: userId } : {}),
    ...(email ? { email } : {}),
    ...(name ? { name } : {}),
    ...verification(services),
  };
}

/**
 * Who the identity is: user_id when there is one (an email change is the same person), else the
 * email; "anonymous" for a visitor. A different key means a different person on this browser.
 */
export function identityKey(identity: MessengerIdentity | null): string {
  if (identity?.user_id) return `user:${identity.user_id}`;
  if (identity?.email) return `email:${identity.email}`;
  return "anonymous";
}
