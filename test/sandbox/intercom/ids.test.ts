import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createIdCodec } from "../../../sandbox/intercom/ids.js";

describe("createIdCodec(seed)", () => {
  it("makes 24-hex ids that decode back to their sequence number", () => {
    const codec = createIdCodec(3);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50_000_000 }), (seq) => {
        const id = codec.idFor(seq);
        expect(id).toMatch(/^[0-9a-f]{24}$/);
        expect(codec.seqOf(id)).toBe(seq);
      }),
    );
  });

  it("does not decode ids from another seed or of another shape", () => {
    const id = createIdCodec(1).idFor(5);
    expect(createIdCodec(2).seqOf(id)).toBeUndefined();
    expect(createIdCodec(1).seqOf("not-an-id")).toBeUndefined();
  });
});
