// parseJsonBytes must be JSON.parse under another name: the same value (key order, "__proto__" as
// an own key, -0) for every JSON text, and an error for every text JSON.parse refuses. Small piece
// sizes force the splitter through every nesting level.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  concatUtf8,
  MAX_PIECE_BYTES,
  parseInPieces,
  parseJsonBytes,
} from "../../../server/clients/json-bytes";

/**
 * JSON.parse's answer for the UTF-8 bytes of `text`: the value, or that it threw. (Decoded, since
 * an edit can split a surrogate pair, which UTF-8 cannot carry.)
 */
function reference(text: string): { value: unknown } | { threw: true } {
  try {
    return { value: JSON.parse(Buffer.from(text).toString("utf8")) };
  } catch {
    return { threw: true };
  }
}

function ours(text: string, pieceBytes: number): { value: unknown } | { threw: true } {
  try {
    return { value: parseJsonBytes(Buffer.from(text), pieceBytes) };
  } catch (error) {
    expect(error).toBeInstanceOf(SyntaxError);
    return { threw: true };
  }
}

function expectSameAsJsonParse(text: string, pieceBytes: number): void {
  const expected = reference(text);
  const actual = ours(text, pieceBytes);
  expect(actual).toStrictEqual(expected);
  // Order of keys and own "__proto__" keys show in the serialisation.
  if ("value" in expected && "value" in actual)
    expect(JSON.stringify(actual.value)).toBe(JSON.stringify(expected.value));
}

const pieceBytes = fc.integer({ min: 1, max: 80 });
const texts = fc
  .tuple(
    fc
      .constantFrom("grapheme", "binary", "grapheme-ascii" as const)
      .chain((unit) => fc.jsonValue({ stringUnit: unit })),
    fc.constantFrom(undefined, 0, 1, 2, "\t", " \r\n"),
  )
  .map(([value, space]) => JSON.stringify(value, null, space as never));

describe("parseJsonBytes", () => {
  it("gives JSON.parse's value for any JSON text, whatever the piece size", () => {
    fc.assert(
      fc.property(texts, pieceBytes, (text, size) => expectSameAsJsonParse(text, size)),
      { numRuns: 2_000 },
    );
  });

  it("splits every JSON text itself, without falling back to a whole parse", () => {
    fc.assert(
      fc.property(texts, pieceBytes, (text, size) => {
        const value = parseInPieces(Buffer.from(text), size);
        expect(JSON.stringify(value)).toBe(JSON.stringify(JSON.parse(text)));
      }),
      { numRuns: 2_000 },
    );
  });

  it("refuses exactly what JSON.parse refuses (texts with one character changed)", () => {
    const edits = fc.tuple(
      texts.filter((text) => text.length > 0),
      fc.nat(),
      fc.constantFrom("", ",", "]", "}", "[", "{", '"', "\\", ":", " ", "1", "\u00a0", "é"),
      fc.boolean(),
    );
    fc.assert(
      fc.property(edits, pieceBytes, ([text, position, character, replace], size) => {
        const at = position % text.length;
        const edited = text.slice(0, at) + character + text.slice(replace ? at + 1 : at);
        expectSameAsJsonParse(edited, size);
      }),
      { numRuns: 3_000 },
    );
  });

  it("keeps __proto__ as an own key and never as the prototype", () => {
    const text = `{"a":{"__proto__":{"polluted":true},"b":[1,2,3]},"__proto__":[{"x":1}]}`;
    const value = parseJsonBytes(Buffer.from(text), 4) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(value.a)).toBe(Object.prototype);
    expect(Object.hasOwn(value.a as object, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(value)).toBe(text);
  });

  it("reads an Intercom page of contacts larger than a piece, non-ASCII names included", () => {
    const contact = (index: number) => ({
      type: "contact",
      id: `6${String(index).padStart(23, "0")}`,
      name: index % 7 === 0 ? "João Gonçalves" : `Ada ${index}`,
      email: `ada.${index}@example.com`,
      custom_attributes: { plan: "pro", quote: 'say "hi"\\' },
      location: { city: index % 5 === 0 ? "São Paulo" : "Paris", region: null },
      tags: { type: "list", data: [] },
      created_at: 1_700_000_000 + index,
    });
    const page = {
      type: "list",
      data: Array.from({ length: 150 }, (_, index) => contact(index)),
      total_count: 1_000_000,
      pages: { type: "pages", next: { page: 2, starting_after: "WzE3MDAw" }, per_page: 150 },
    };
    const text = JSON.stringify(page);
    expect(Buffer.byteLength(text)).toBeGreaterThan(MAX_PIECE_BYTES);
    expect(parseJsonBytes(Buffer.from(text))).toStrictEqual(page);
    expect(parseJsonBytes(Buffer.from(`\ufeff ${text}\n`))).toStrictEqual(page);
  });

  it("parses deeply nested text whole instead of splitting it level by level", () => {
    const depth = 100_000;
    const text = `${"[".repeat(depth)}${'"x",'.repeat(10)}1${"]".repeat(depth)}`;
    let value = parseJsonBytes(Buffer.from(text), 16);
    for (let level = 0; level < depth; level++) value = (value as unknown[])[0];
    expect(value).toBe("x");
    expect(() => parseInPieces(Buffer.from(text), 16)).toThrow();
  });

  it("reads bytes that are a view into a larger buffer", () => {
    const whole = Buffer.from(`xx[1,{"a":"b"},[2]]yy`);
    const view = new Uint8Array(whole.buffer, whole.byteOffset + 2, whole.length - 4);
    expect(parseJsonBytes(view, 2)).toStrictEqual([1, { a: "b" }, [2]]);
  });
});

describe("concatUtf8", () => {
  it("gives the UTF-8 bytes of the parts one after the other", () => {
    const parts = fc.array(
      fc.oneof(
        fc.string({ unit: "binary" }),
        fc.constantFrom("\ud83d", "\ude00", "é", "😀"), // lone surrogates too
      ),
    );
    fc.assert(
      fc.property(parts, (list) => {
        const expected = Buffer.concat(list.map((part) => Buffer.from(part)));
        expect(concatUtf8(list).equals(expected)).toBe(true);
      }),
    );
    expect(concatUtf8(['{"a":', '"😀"', "}"]).equals(Buffer.from('{"a":"😀"}'))).toBe(true);
  });
});
