import { IdentityConflict, type UserStore } from "../store/user-store.js";
import type { FirehoseCommand } from "./parse-firehose-entry.js";

/** Applies one verified entry; returns a note when it was valid but changed nothing. */
export function applyFirehoseCommand(
  users: UserStore,
  command: FirehoseCommand,
): string | undefined {
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
