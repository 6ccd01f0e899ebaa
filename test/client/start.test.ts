import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

/** A Hull object as onEmbed hands it, counting listener registrations. */
function fakeHull() {
  return {
    on: vi.fn(),
    off: vi.fn(),
    alias: vi.fn(async () => ({})),
    currentUser: () => null,
    config: () => undefined,
  };
}

const deployment = (settings: Record<string, unknown>) => ({ ship: { id: "s1", settings } });

// start() keeps "already started" for the page: each test loads a fresh copy of the module.
const loadStart = async () => (await import("../../client/start")).start;

beforeEach(() => {
  vi.resetModules();
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("start(rootNode, deployment, hull)", () => {
  it("registers its listeners once however many embeds Hull.js reports", async () => {
    const start = await loadStart();
    const hull = fakeHull();
    start({}, deployment({ app_id: "abc123" }), hull);
    const registered = hull.on.mock.calls.length;
    start({}, deployment({ app_id: "abc123" }), hull);
    start({}, deployment({ app_id: "abc123" }), fakeHull());
    expect(registered).toBeGreaterThan(0);
    expect(hull.on).toHaveBeenCalledTimes(registered);
    expect(hull.on.mock.calls.map(([event]) => event)).toContain("hull.track");
  });

  it("does nothing before the workspace is connected, and starts with a later embed that has it", async () => {
    const start = await loadStart();
    const hull = fakeHull();
    start({}, deployment({}), hull);
    expect(hull.on).not.toHaveBeenCalled();
    start({}, deployment({ app_id: "abc123" }), hull);
    expect(hull.on).toHaveBeenCalled();
  });

  it("never throws into the page, whatever Hull.js hands it", async () => {
    const start = await loadStart();
    const broken = {
      ...fakeHull(),
      on: () => {
        throw new Error("bus is broken");
      },
    };
    expect(() => start(null, deployment({ app_id: "abc123" }), broken)).not.toThrow();
    expect(() => start(undefined, undefined, undefined)).not.toThrow();
  });
});
