import { describe, expect, it, vi } from "vitest";
import { aliasVisitor } from "../../client/alias-visitor";
import { createAliasMemory } from "../../client/edges/alias-memory";
import { fakeSchedule } from "./fake-schedule";

function setup(visitorIds: (string | undefined)[], alias = vi.fn(async () => ({ ok: true }))) {
  const clock = fakeSchedule();
  const memory = createAliasMemory(undefined);
  const visitorId = vi.fn(() => (visitorIds.length > 1 ? visitorIds.shift() : visitorIds[0]));
  const stop = aliasVisitor({
    visitorId,
    alias,
    memory,
    schedule: clock.schedule,
    delays: [10, 20, 40],
  });
  return { clock, memory, visitorId, alias, stop };
}

describe("aliasVisitor(options)", () => {
  it("waits before the first attempt, then aliases intercom:<visitorId> and remembers it", async () => {
    const { clock, alias, memory } = setup(["v-1"]);
    expect(alias).not.toHaveBeenCalled();
    await clock.advance(10);
    expect(alias).toHaveBeenCalledExactlyOnceWith("intercom:v-1");
    expect(memory.has("v-1")).toBe(true);
  });

  it("retries with growing waits while the widget has not loaded", async () => {
    const { clock, alias, visitorId } = setup([undefined, undefined, "v-1"]);
    await clock.advance(29);
    expect(visitorId).toHaveBeenCalledTimes(1);
    await clock.advance(1);
    expect(visitorId).toHaveBeenCalledTimes(2);
    expect(alias).not.toHaveBeenCalled();
    await clock.advance(40);
    expect(alias).toHaveBeenCalledExactlyOnceWith("intercom:v-1");
  });

  it("gives up quietly after the last wait", async () => {
    const { clock, alias, visitorId } = setup([undefined]);
    await clock.advance(1000);
    expect(visitorId).toHaveBeenCalledTimes(3);
    expect(alias).not.toHaveBeenCalled();
    expect(clock.pending()).toBe(0);
  });

  it("does not alias a visitor id this browser already aliased", async () => {
    const clock = fakeSchedule();
    const memory = createAliasMemory(undefined);
    memory.add("v-1");
    const alias = vi.fn();
    aliasVisitor({ visitorId: () => "v-1", alias, memory, schedule: clock.schedule, delays: [10] });
    await clock.advance(10);
    expect(alias).not.toHaveBeenCalled();
  });

  it("forgets nothing it did not alias: a rejected alias is tried again on a later page", async () => {
    const { clock, memory } = setup(
      ["v-1"],
      vi.fn(async () => Promise.reject(new Error("409"))),
    );
    await clock.advance(10);
    expect(memory.has("v-1")).toBe(false);
  });

  it("stops before the next attempt when stop() is called", async () => {
    const { clock, alias, stop } = setup(["v-1"]);
    stop();
    await clock.advance(100);
    expect(alias).not.toHaveBeenCalled();
  });

  it("swallows an alias that throws synchronously", async () => {
    const alias = vi.fn(() => {
      throw new Error("Hull is gone");
    });
    const { clock } = setup(["v-1"], alias as never);
    await expect(clock.advance(10)).resolves.toBeUndefined();
    expect(alias).toHaveBeenCalledOnce();
  });
});
