// JSON bodies: nesting is measured on the bytes and refused before JSON.parse runs.
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { jsonDepth, MAX_JSON_DEPTH, parseJson } from "../../server/http/body";
import { BadRequestError } from "../../server/errors";

const depthOf = (value: unknown): number =>
  value !== null && typeof value === "object"
    ? 1 + Math.max(0, ...Object.values(value as object).map(depthOf))
    : 0;

afterEach(() => vi.restoreAllMocks());

describe("jsonDepth(raw)", () => {
  it("is the nesting of any JSON value, brackets inside strings not counted", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonDepth(Buffer.from(JSON.stringify(value)))).toBe(depthOf(value));
      }),
    );
  });

  it("stops counting once past the bound", () => {
    expect(jsonDepth(Buffer.alloc(1_000_000, "["), 64)).toBe(65);
  });
});

describe("parseJson(raw)", () => {
  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} with 400, without calling JSON.parse`, () => {
    const parse = vi.spyOn(JSON, "parse");
    const deep = Buffer.from(`${"[".repeat(MAX_JSON_DEPTH + 1)}${"]".repeat(MAX_JSON_DEPTH + 1)}`);
    expect(() => parseJson(deep)).toThrow(BadRequestError);
    expect(() => parseJson(deep)).toThrow(/nested deeper/);
    expect(parse).not.toHaveBeenCalled();
  });

  it(`parses nesting of ${MAX_JSON_DEPTH} levels, and strings full of brackets`, () => {
    const deepest = `${"[".repeat(MAX_JSON_DEPTH)}${"]".repeat(MAX_JSON_DEPTH)}`;
    expect(parseJson(Buffer.from(deepest))).toBeInstanceOf(Array);
    const text = JSON.stringify({ note: "[".repeat(500), escaped: '\\"[[[' });
    expect(parseJson(Buffer.from(text))).toEqual(JSON.parse(text));
  });
});
