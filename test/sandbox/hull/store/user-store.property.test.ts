import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SegmentStore } from "../../../../sandbox/hull/store/segment-store.js";
import { UserStore } from "../../../../sandbox/hull/store/user-store.js";
import type { Claims } from "../../../../sandbox/hull/store/user-record.js";

const claims = fc.record(
  {
    email: fc.constantFrom("a@x.io", "b@x.io", "c@x.io"),
    external_id: fc.constantFrom("u1", "u2", "u3"),
    anonymous_id: fc.constantFrom("web:1", "web:2", "intercom:1", "intercom:2"),
  },
  { requiredKeys: [] },
);
const step = fc.oneof(
  fc.record({ kind: fc.constant("resolve" as const), claims }),
  fc.record({
    kind: fc.constant("alias" as const),
    claims,
    anonymousId: fc.constantFrom("web:1", "intercom:2", "web:9"),
  }),
);

describe("UserStore under any sequence of identifications and aliases", () => {
  it("keeps every claim on exactly one user and finds each user by each of its claims", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 25 }), (steps) => {
        const users = new UserStore(new SegmentStore());
        for (const item of steps) {
          if (Object.keys(item.claims).length === 0) continue;
          const user = users.resolve(item.claims as Claims)!;
          if (item.kind === "alias") {
            try {
              users.alias(user, item.anonymousId);
            } catch {
              // refusing to merge two external_ids is allowed
            }
          }
        }
        const all = users.list();
        const anonymousIds = all.flatMap((user) => user.anonymous_ids);
        expect(new Set(anonymousIds).size).toBe(anonymousIds.length);
        const externalIds = all.flatMap((user) => (user.external_id ? [user.external_id] : []));
        expect(new Set(externalIds).size).toBe(externalIds.length);
        for (const user of all) {
          for (const anonymousId of user.anonymous_ids) {
            expect(users.resolve({ anonymous_id: anonymousId }, false)).toBe(user);
          }
          if (user.external_id)
            expect(users.resolve({ external_id: user.external_id }, false)).toBe(user);
        }
      }),
      { numRuns: 300 },
    );
  });
});
