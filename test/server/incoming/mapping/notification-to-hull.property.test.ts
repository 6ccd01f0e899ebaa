import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planNotification } from "../../../../server/incoming/mapping/notification-to-hull";
import { TOPICS } from "../../../../server/incoming/webhook/topics";
import { parseNotification } from "../../../../server/incoming/webhook/parse-notification";
import {
  envelope,
  legacyConversation,
  legacyUser,
  modernConversation,
  modernLead,
  modernTagItem,
  modernUser,
} from "../../../fixtures/intercom/webhooks";

const context = {
  incomingAttributes: [{ name: "plan", hull: "plan" }],
  region: "US" as const,
  ownTagIds: new Set<string>(),
  segmentNames: new Set<string>(),
  receivedAt: new Date(0),
};
const topic = fc.constantFrom(...Object.keys(TOPICS), "ping", "unknown.topic");
const realItems = [
  modernUser(),
  modernLead(),
  legacyUser(),
  modernConversation(),
  legacyConversation(),
  modernTagItem(modernUser()),
];

describe("planNotification on hostile input", () => {
  it("never throws, whatever the item, and every write names a subject", () => {
    fc.assert(
      fc.property(topic, fc.jsonValue(), (name, item) => {
        const plan = planNotification(envelope(name, item as Record<string, unknown>), context);
        if (plan.kind === "write")
          for (const entry of plan.entries)
            expect(Object.keys(entry.claims).length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it("never throws on real items with fields removed or replaced by nulls, numbers and strings", () => {
    const damage = fc.array(
      fc.tuple(
        fc.string({ maxLength: 30 }),
        fc.oneof(
          fc.constant(null),
          fc.constant(undefined),
          fc.integer(),
          fc.string(),
          fc.constant({}),
        ),
      ),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(topic, fc.constantFrom(...realItems), damage, (name, item, changes) => {
        const damaged: Record<string, unknown> = structuredClone(item);
        const keys = Object.keys(damaged);
        for (const [key, value] of changes) damaged[keys[key.length % keys.length] ?? key] = value;
        planNotification(envelope(name, damaged), context);
      }),
      { numRuns: 2000 },
    );
  });

  it("parseNotification turns truncated bodies into a problem, not an exception", () => {
    const body = JSON.stringify(envelope("contact.user.created", modernUser()));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: body.length }), (cut) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.slice(0, cut));
        } catch {
          return; // the route answers 400 before this point
        }
        parseNotification(parsed);
      }),
    );
    expect(parseNotification(null)).toHaveProperty("problem");
    expect(parseNotification({ app_id: "a", topic: "t", data: { item: [] } })).toHaveProperty(
      "problem",
    );
  });
});
