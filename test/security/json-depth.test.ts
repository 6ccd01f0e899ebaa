// JSON bodies: nesting is measured on the bytes and refused before JSON.parse runs, and a large
// body is parsed in slices that give the event loop turns, with the same result as JSON.parse.
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { jsonDepth, MAX_JSON_DEPTH, parseJson } from "../../server/http/body";
import { BadRequestError } from "../../server/errors";
import {
  JsonSyntaxError,
  JsonTooDeepError,
  parseJsonInSlices,
} from "../../server/http/json-in-slices";

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

describe("parseJsonInSlices(raw, { sliceBytes, maxDepth })", () => {
  const outcome = async (run: () => unknown) => {
    try {
      return { value: await run() };
    } catch (error) {
      return { error: error instanceof SyntaxError || error instanceof JsonSyntaxError };
    }
  };

  it("equals JSON.parse on any JSON text, whatever the slice size and spacing", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue({ maxDepth: 8 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 96 }),
        async (value, indent, sliceBytes) => {
          const text = JSON.stringify(value, null, indent);
          const parsed = await parseJsonInSlices(Buffer.from(text), { sliceBytes });
          expect(parsed).toStrictEqual(JSON.parse(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses exactly what JSON.parse refuses, and parses the rest alike", async () => {
    const jsonish = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'{}[]",: \n0123456789.eE-+truefalsn\\ux') }),
      fc
        .tuple(fc.jsonValue({ maxDepth: 4 }), fc.nat(), fc.string({ maxLength: 2 }))
        .map(([value, at, insert]) => {
          const text = JSON.stringify(value);
          const cut = at % (text.length + 1);
          return text.slice(0, cut) + insert + text.slice(cut + 1);
        }),
    );
    await fc.assert(
      fc.asyncProperty(jsonish, fc.integer({ min: 1, max: 16 }), async (text, sliceBytes) => {
        const expected = await outcome(() => JSON.parse(text));
        const actual = await outcome(() => parseJsonInSlices(Buffer.from(text), { sliceBytes }));
        expect(actual, text).toStrictEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps __proto__ as an own key and the last of duplicate keys, as JSON.parse does", async () => {
    const text = '{"__proto__": {"polluted": true}, "a": 1, "a": [2], "constructor": "c"}';
    const parsed = (await parseJsonInSlices(Buffer.from(text), { sliceBytes: 4 })) as object;
    expect(parsed).toStrictEqual(JSON.parse(text));
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it("refuses nesting past maxDepth without parsing it, and takes maxDepth itself", async () => {
    const parse = vi.spyOn(JSON, "parse");
    const nested = (levels: number) => Buffer.from(`${"[".repeat(levels)}${"]".repeat(levels)}`);
    await expect(
      parseJsonInSlices(nested(100_000), { sliceBytes: 1024, maxDepth: 64 }),
    ).rejects.toThrow(JsonTooDeepError);
    expect(parse).not.toHaveBeenCalled();
    for (const sliceBytes of [1, 8, 1024])
      expect(await parseJsonInSlices(nested(64), { sliceBytes, maxDepth: 64 })).toBeInstanceOf(
        Array,
      );
    await expect(parseJsonInSlices(nested(65), { sliceBytes: 8, maxDepth: 64 })).rejects.toThrow(
      JsonTooDeepError,
    );
  });

  it("lets the event loop run between slices of a large body", async () => {
    const body = Buffer.from(
      JSON.stringify({ messages: Array.from({ length: 2000 }, (_, n) => ({ n })) }),
    );
    let turns = 0;
    let counting = true;
    const count = () => {
      turns++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    await parseJsonInSlices(body, { sliceBytes: 1024 });
    counting = false;
    // A turn after each slice handled (structural bytes between members are not counted).
    expect(turns).toBeGreaterThanOrEqual(Math.floor(body.length / 2048));
  });
});
