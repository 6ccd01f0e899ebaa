import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../../../sandbox/intercom/cursor.js";

describe("encodeCursor / decodeCursor", () => {
  it("round-trips a position and page for the same kind of walk", () => {
    const cursor = encodeCursor({ after: 149, page: 2 }, "list");
    expect(cursor.startsWith("Wz")).toBe(true); // base64 of a JSON array, like Intercom's
    expect(decodeCursor(cursor, "list")).toEqual({ after: 149, page: 2 });
  });

  it("carries the last sort value of a sorted search", () => {
    const cursor = encodeCursor({ after: 7, page: 3, key: 1_768_046_400 }, "search-sorted");
    expect(decodeCursor(cursor, "search-sorted")).toEqual({
      after: 7,
      page: 3,
      key: 1_768_046_400,
    });
    expect(
      decodeCursor(Buffer.from('[7,3,"search-sorted",{}]').toString("base64"), "search-sorted"),
    ).toBeUndefined();
  });

  it("rejects junk and cursors made for another kind of walk", () => {
    expect(decodeCursor("bogus", "list")).toBeUndefined();
    expect(decodeCursor(encodeCursor({ after: 1, page: 2 }, "search"), "list")).toBeUndefined();
    expect(decodeCursor(Buffer.from('[1.5,2,"list"]').toString("base64"), "list")).toBeUndefined();
  });
});
