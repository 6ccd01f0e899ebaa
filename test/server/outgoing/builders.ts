import { readSettings, type ConnectorSettings } from "../../../server/settings";
import type { OutgoingUser, UserUpdate } from "../../../server/outgoing/hull-input/user-update";

export const SEGMENT_A = { id: "a".repeat(24), name: "Customers" };
export const SEGMENT_B = { id: "b".repeat(24), name: "VIP" };

export function user(attributes: Partial<OutgoingUser> = {}): OutgoingUser {
  return { id: "u1", email: "ada@example.com", segment_ids: [SEGMENT_A.id], ...attributes };
}

/** A user:update as readUserUpdateMessage returns it; `changes: undefined` = an extract line. */
export function update(overrides: Partial<UserUpdate> = {}): UserUpdate {
  const base = overrides.user ?? user();
  return {
    user: base,
    segments: [SEGMENT_A, SEGMENT_B].filter((segment) => base.segment_ids.includes(segment.id)),
    events: [],
    changes: { isNew: false, user: {}, entered: [], left: [] },
    ...overrides,
  };
}

export function settings(overrides: Partial<ConnectorSettings> = {}): ConnectorSettings {
  return {
    ...readSettings({ private_settings: {} }),
    synchronizedSegments: [SEGMENT_A.id],
    sendEvents: ["Signed up"],
    ...overrides,
  };
}
