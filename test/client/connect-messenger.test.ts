import { beforeEach, describe, expect, it } from "vitest";
import { connectMessenger } from "../../client/connect-messenger";
import { createAliasMemory } from "../../client/edges/alias-memory";
import type { BusListener, HullBus } from "../../client/edges/hull-bus";
import type { Messenger } from "../../client/edges/messenger";
import { fakeSchedule } from "./fake-schedule";

/** A Hull.js bus with exact-name events, and a Messenger that records every command. */
function setup(currentUser: unknown = null, services: unknown = {}) {
  const listeners = new Map<string, BusListener[]>();
  const aliases: string[] = [];
  const bus: HullBus = {
    on: (event, listener) => listeners.set(event, [...(listeners.get(event) ?? []), listener]),
    off: (event, listener) =>
      listeners.set(
        event,
        (listeners.get(event) ?? []).filter((other) => other !== listener),
      ),
    alias: async (id) => void aliases.push(id),
    currentUser: () => currentUser,
    config: (key) => (key === "services" ? services : undefined),
  };
  const emit = (event: string, ...args: unknown[]) =>
    (listeners.get(event) ?? []).forEach((listener) => listener.apply({ event }, args));
  const commands: unknown[][] = [];
  let visitor = "v-1";
  let sessions = 0;
  const messenger: Messenger = {
    boot: (identity) => {
      sessions += 1;
      visitor = `v-${sessions}`;
      commands.push(["boot", identity]);
    },
    update: (attributes) => void commands.push(["update", attributes]),
    trackEvent: (name, metadata) => void commands.push(["trackEvent", name, metadata]),
    shutdown: () => void commands.push(["shutdown"]),
    visitorId: () => visitor,
  };
  const clock = fakeSchedule();
  const stop = connectMessenger({
    bus,
    messenger,
    aliasMemory: createAliasMemory(undefined),
    schedule: clock.schedule,
    aliasDelays: [10],
    now: () => 1_700_000_000_000,
  });
  return { emit, commands, aliases, clock, stop, listeners };
}

const ada = { id: "h1", email: "ada@example.com", name: "Ada", external_id: "cust-1" };
const bob = { id: "h2", email: "bob@example.com", name: "Bob" };

describe("connectMessenger(options)", () => {
  let s: ReturnType<typeof setup>;
  beforeEach(() => {
    s = setup();
  });

  it("boots once, as an anonymous visitor when Hull knows nobody", () => {
    expect(s.commands).toEqual([["boot", null]]);
  });

  it("boots as Hull's current user when the visitor is logged in", () => {
    const known = setup(ada, { intercom: { credentials: { user_hash: "h" } } });
    expect(known.commands).toEqual([
      ["boot", { user_id: "cust-1", email: "ada@example.com", name: "Ada", user_hash: "h" }],
    ]);
  });

  it("mirrors site events with flat metadata and skips Hull's own events", () => {
    s.emit("hull.track", { event: "Added to cart", params: { product: "Guji", cart: { n: 1 } } });
    s.emit("hull.track", { event: "hull.user.login", params: { provider: "sandbox" } });
    expect(s.commands.slice(1)).toEqual([
      ["trackEvent", "Added to cart", { product: "Guji", cart_n: 1 }],
    ]);
  });

  it("mirrors traits once even though Hull.js emits hull.traits and hull.identify", () => {
    const hash = { favorite_roast: { value: "light", operation: "set" } };
    s.emit("hull.traits", hash);
    s.emit("hull.identify", hash);
    s.emit("hull.identify", { plan: "pro" });
    expect(s.commands.slice(1)).toEqual([
      ["update", { favorite_roast: "light" }],
      ["update", { plan: "pro" }],
    ]);
  });

  it("aliases the visitor id into Hull after the first wait", async () => {
    expect(s.aliases).toEqual([]);
    await s.clock.advance(10);
    expect(s.aliases).toEqual(["intercom:v-1"]);
  });

  it("updates the visitor in place when they log in: same person, same conversation", () => {
    s.emit("hull.user.login", ada);
    expect(s.commands.slice(1)).toEqual([
      [
        "update",
        {
          user_id: "cust-1",
          email: "ada@example.com",
          name: "Ada",
          last_request_at: 1_700_000_000,
        },
      ],
    ]);
  });

  it("shuts down and boots a new anonymous visitor on logout, and aliases that visitor", async () => {
    await s.clock.advance(10);
    s.emit("hull.user.login", ada);
    s.emit("hull.user.logout", ada);
    expect(s.commands.slice(2)).toEqual([["shutdown"], ["boot", null]]);
    await s.clock.advance(10);
    expect(s.aliases).toEqual(["intercom:v-1", "intercom:v-2"]);
  });

  it("shuts down and boots the new person when another user logs in", () => {
    s.emit("hull.user.login", ada);
    s.emit("hull.user.login", bob);
    expect(s.commands.slice(2)).toEqual([
      ["shutdown"],
      ["boot", { email: "bob@example.com", name: "Bob" }],
    ]);
  });

  it("never lets a listener throw into Hull.js, whatever the payload", () => {
    const broken = setup();
    broken.listeners.get("hull.track")!.forEach((listener) =>
      expect(() =>
        listener.call(undefined, {
          get event(): string {
            throw new Error("boom");
          },
        }),
      ).not.toThrow(),
    );
  });

  it("stop() removes every listener", () => {
    s.stop();
    s.emit("hull.track", { event: "Added to cart" });
    expect([...s.listeners.values()].flat()).toEqual([]);
    expect(s.commands).toHaveLength(1);
  });
});
