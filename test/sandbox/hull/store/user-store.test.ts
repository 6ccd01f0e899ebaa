import { describe, expect, it } from "vitest";
import { SegmentStore } from "../../../../sandbox/hull/store/segment-store.js";
import { IdentityConflict, UserStore } from "../../../../sandbox/hull/store/user-store.js";

const newStore = () => {
  const segments = new SegmentStore();
  return { segments, users: new UserStore(segments) };
};
const set = (value: unknown) => ({ operation: "set" as const, value });

describe("UserStore identity resolution", () => {
  it("creates a user when no claim matches, carrying every claim", () => {
    const { users } = newStore();
    const user = users.resolve({
      email: "ada@example.com",
      external_id: "u1",
      anonymous_id: "intercom:1",
    })!;
    expect(user.external_id).toBe("u1");
    expect(user.attributes.email).toBe("ada@example.com");
    expect(user.anonymous_ids).toEqual(["intercom:1"]);
    expect(users.list()).toHaveLength(1);
  });

  it("prefers external_id over email and email over anonymous_id", () => {
    const { users } = newStore();
    const byExternal = users.resolve({ external_id: "u1" })!;
    const byEmail = users.resolve({ email: "bob@example.com" })!;
    expect(users.resolve({ external_id: "u1", email: "other@example.com" })!.id).toBe(
      byExternal.id,
    );
    expect(users.resolve({ email: "BOB@example.com", anonymous_id: "web:9" })!.id).toBe(byEmail.id);
    expect(users.resolve({ anonymous_id: "web:9" })!.id).toBe(byEmail.id);
  });

  it("does not create a user when io.hull.create is false", () => {
    const { users } = newStore();
    expect(users.resolve({ email: "nobody@example.com" }, false)).toBeUndefined();
    expect(users.list()).toHaveLength(0);
  });

  it("sets an email or external_id claim on a user that lacked it", () => {
    const { users } = newStore();
    const visitor = users.resolve({ anonymous_id: "web:1" })!;
    users.resolve({ anonymous_id: "web:1", email: "cy@example.com", external_id: "u7" });
    expect(visitor.attributes.email).toBe("cy@example.com");
    expect(visitor.external_id).toBe("u7");
    expect(users.resolve({ external_id: "u7" })!.id).toBe(visitor.id);
  });

  it("merges users that the claims point to, keeping aliases, attributes and events", () => {
    const { users } = newStore();
    const known = users.resolve({ email: "dee@example.com" })!;
    users.applyTraits(known, { plan: set("pro") });
    const visitor = users.resolve({ anonymous_id: "intercom:lead-1" })!;
    users.applyTraits(visitor, { plan: set("free"), "intercom/is_lead": set(true) });
    users.track(visitor, { event: "Viewed pricing", properties: {}, context: {}, event_id: "ev1" });

    const merged = users.resolve({ email: "dee@example.com", anonymous_id: "intercom:lead-1" })!;

    expect(merged.id).toBe(known.id);
    expect(users.list()).toHaveLength(1);
    expect(merged.anonymous_ids).toContain("intercom:lead-1");
    expect(merged.attributes).toMatchObject({ plan: "pro", "intercom/is_lead": true });
    expect(merged.events.map((event) => event.event)).toContain("Viewed pricing");
    expect(users.get(visitor.id)!.id).toBe(known.id);
  });

  it("merges the holder of an aliased anonymous id into the user", () => {
    const { users } = newStore();
    const person = users.resolve({ external_id: "u1" })!;
    const lead = users.resolve({ anonymous_id: "intercom:abc" })!;
    users.alias(person, "intercom:abc");
    expect(users.list().map((user) => user.id)).toEqual([person.id]);
    expect(person.anonymous_ids).toEqual(["intercom:abc"]);
    expect(users.get(lead.id)).toBe(person);
  });

  it("never merges two users that have different external_ids", () => {
    const { users } = newStore();
    const first = users.resolve({ external_id: "u1", anonymous_id: "web:1" })!;
    const second = users.resolve({ external_id: "u2", email: "shared@example.com" })!;
    const third = users.resolve({ external_id: "u3", anonymous_id: "web:1" })!;
    expect(third.id).not.toBe(first.id);
    expect(() => users.alias(first, "web:unused")).not.toThrow();
    expect(() => users.alias(second, "web:1")).toThrow(IdentityConflict);
    expect(users.list()).toHaveLength(3);
    expect(users.resolve({ external_id: "u9", email: "shared@example.com" })!.id).not.toBe(
      second.id,
    );
  });

  it("de-duplicates events by event_id per user", () => {
    const { users } = newStore();
    const user = users.resolve({ email: "eve@example.com" })!;
    const event = { event: "Opened", properties: {}, context: {}, event_id: "same" };
    expect(users.track(user, event)).toBe(true);
    expect(users.track(user, event)).toBe(false);
    expect(user.events).toHaveLength(1);
  });
});

describe("UserStore segment membership", () => {
  it("records Entered segment and Left segment events and pending segment changes", () => {
    const { users, segments } = newStore();
    const user = users.resolve({ email: "fay@example.com" })!;
    const leads = segments.create("Leads", { "intercom/is_lead": true });
    users.refreshAll();
    users.applyTraits(user, { "intercom/is_lead": set(true) });
    expect(user.segment_ids).toEqual([leads.id]);
    expect([...user.pending.entered.keys()]).toEqual([leads.id]);

    user.pending.entered.clear();
    users.applyTraits(user, { "intercom/is_lead": set(false) });
    expect(user.segment_ids).toEqual([]);
    expect([...user.pending.left.values()].map((segment) => segment.name)).toEqual(["Leads"]);
    expect(user.events.map((event) => [event.event, event.properties])).toEqual([
      ["Entered segment", { id: leads.id, name: "Leads" }],
      ["Left segment", { id: leads.id, name: "Leads" }],
    ]);
  });
});
