import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../../../sandbox/intercom/cursor.js";

describe("encodeCursor / decodeCursor", () => {
  it("round-trips a position and page for the same kind of walk", () => {
    const cursor = encodeCursor({ after: 149, page: 2 }, "list");
    expect(cursor.startsWith("Wz")).toBe(true); // base64 of a JSON array, like Intercom's
    expect(decodeCursor(cursor, "list")).toEqual({ after: 149, page: 2 });
  });

  it("rejects junk and cursors made for another kind of walk", () => {
    expect(decodeCursor("bogus", "list")).toBeUndefined();
    expect(decodeCursor(encodeCursor({ after: 1, page: 2 }, "search"), "list")).toBeUndefined();
    expect(decodeCursor(Buffer.from('[1.5,2,"list"]').toString("base64"), "list")).toBeUndefined();
  });
});
