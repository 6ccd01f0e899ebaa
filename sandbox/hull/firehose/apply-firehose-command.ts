import type { AccountStore } from "../store/account-store.js";
import { IdentityConflict, type UserStore } from "../store/user-store.js";
import type { FirehoseCommand } from "./parse-firehose-entry.js";

/** Applies one verified entry; returns a note when it was valid but changed nothing. */
export function applyFirehoseCommand(
  users: UserStore,
  command: FirehoseCommand,
  accounts?: AccountStore,
  onUserLinked?: (userId: string) => void,
): string | undefined {
  if (command.type === "account_traits") {
    if (!accounts) return "accounts are not kept here: skipped";
    const account = accounts.resolve(command.accountClaims, command.create);
    if (!account)
      return "no matching account (io.hull.create is false, or the id is unknown): skipped";
    accounts.applyTraits(account, command.writes);
    if (!command.linkUser) return undefined;
    const user = users.resolve(command.claims, command.create);
    if (!user) return "account written; no matching user to link: skipped the link";
    if (accounts.link(user.id, account)) onUserLinked?.(user.id);
    return undefined;
  }
  const user = users.resolve(command.claims, command.create);
  if (!user) return "no matching user (io.hull.create is false, or the id is unknown): skipped";
  switch (command.type) {
    case "traits":
      users.applyTraits(user, command.writes);
      return undefined;
    case "track":
      return users.track(user, command.track) ? undefined : "duplicate event_id: skipped";
    case "alias":
      try {
        users.alias(user, command.anonymousId);
        return undefined;
      } catch (error) {
        if (error instanceof IdentityConflict) return `not merged: ${error.message}`;
        throw error;
      }
    case "unalias":
      users.unalias(user, command.anonymousId);
      return undefined;
  }
}
