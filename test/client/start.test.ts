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

  it("boots with the workspace the connector serves for the ship (docs/adr/007), once", async () => {
    const fetchMock = vi.fn(async () => ({
      ok: true,
      json: async () => ({ app_id: "abc123", region: "eu", show_messenger: true }),
    }));
    vi.stubGlobal("fetch", fetchMock);
    try {
      const start = await loadStart();
      const hull = fakeHull();
      const ship = {
        id: "5f0c1a2b3c4d5e6f7a8b9c0d",
        source_url: "https://connector.example.com/",
        settings: {},
      };
      start({}, { ship }, hull);
      start({}, { ship }, hull);
      await vi.waitFor(() => expect(hull.on).toHaveBeenCalled());
      const registered = hull.on.mock.calls.length;
      await Promise.resolve();
      expect(hull.on).toHaveBeenCalledTimes(registered);
      expect(fetchMock).toHaveBeenCalledWith(
        "https://connector.example.com/ship/settings?ship=5f0c1a2b3c4d5e6f7a8b9c0d",
        expect.anything(),
      );
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("stays off when the connector cannot say which workspace, and never throws", async () => {
    const fetchMock = vi.fn(async () => {
      throw new Error("offline");
    });
    vi.stubGlobal("fetch", fetchMock);
    try {
      const start = await loadStart();
      const hull = fakeHull();
      const ship = { id: "5f0c1a2b3c4d5e6f7a8b9c0d", source_url: "https://c.example.com/" };
      expect(() => start({}, { ship, settings: {} }, hull)).not.toThrow();
      await vi.waitFor(() => expect(fetchMock).toHaveBeenCalled());
      for (let tick = 0; tick < 10; tick += 1) await Promise.resolve(); // the failed fetch settles
      expect(hull.on).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
