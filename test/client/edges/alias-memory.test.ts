import { describe, expect, it } from "vitest";
import { createAliasMemory } from "../../../client/edges/alias-memory";

function fakeStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
  };
}

describe("createAliasMemory(storage)", () => {
  it("remembers aliased visitor ids across page loads", () => {
    const storage = fakeStorage();
    createAliasMemory(storage).add("v1");
    const nextPage = createAliasMemory(storage);
    expect(nextPage.has("v1")).toBe(true);
    expect(nextPage.has("v2")).toBe(false);
  });

  it("keeps the 20 newest ids", () => {
    const storage = fakeStorage();
    const memory = createAliasMemory(storage);
    for (let i = 0; i < 25; i++) memory.add(`v${i}`);
    const reloaded = createAliasMemory(storage);
    expect(reloaded.has("v4")).toBe(false);
    expect(reloaded.has("v5")).toBe(true);
    expect(reloaded.has("v24")).toBe(true);
  });

  it("starts empty on unreadable storage and still works in memory when writes fail", () => {
    const memory = createAliasMemory({
      getItem: () => "{not json",
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
    });
    expect(memory.has("v1")).toBe(false);
    memory.add("v1");
    expect(memory.has("v1")).toBe(true);
    const without = createAliasMemory(undefined);
    without.add("v2");
    expect(without.has("v2")).toBe(true);
  });
});
