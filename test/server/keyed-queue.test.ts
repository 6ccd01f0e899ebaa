import { describe, expect, it } from "vitest";
import { createKeyedQueue } from "../../server/keyed-queue";

/** A promise and the functions that settle it, to order work by hand rather than by time. */
function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe("createKeyedQueue", () => {
  it("runs work of one key in the order asked, each after the last settled, a failure included", async () => {
    const oneAtATime = createKeyedQueue();
    const log: string[] = [];
    const first = deferred();
    const a = oneAtATime("k", async () => {
      log.push("a starts");
      await first.promise;
      log.push("a ends");
    });
    const b = oneAtATime("k", async () => {
      log.push("b starts");
      throw new Error("b failed");
    });
    const c = oneAtATime("k", async () => {
      log.push("c runs");
      return "c";
    });
    await Promise.resolve();
    expect(log).toEqual(["a starts"]);
    first.resolve();
    await a;
    await expect(b).rejects.toThrow("b failed");
    await expect(c).resolves.toBe("c");
    expect(log).toEqual(["a starts", "a ends", "b starts", "c runs"]);
  });

  it("does not hold one key's work behind another key's", async () => {
    const oneAtATime = createKeyedQueue();
    const held = deferred();
    const slow = oneAtATime("one", () => held.promise);
    await expect(oneAtATime("two", async () => "free")).resolves.toBe("free");
    held.resolve();
    await slow;
  });
});
