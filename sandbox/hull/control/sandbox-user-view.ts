import type { UserRecord } from "../store/user-record.js";
import { userEmail } from "../store/user-record.js";

/** A user as `GET /_sandbox/users` shows it: claims, flat attributes, segments, events. */
export function toSandboxUserView(user: UserRecord) {
  return {
    id: user.id,
    email: userEmail(user),
    external_id: user.external_id,
    anonymous_ids: [...user.anonymous_ids],
    attributes: { ...user.attributes },
    segment_ids: [...user.segment_ids],
    events: user.events.map((event) => ({ ...event })),
    created_at: user.created_at,
  };
}
