// JSON in and out as bytes, without ever making one large string (ADR 028).
//
// Why: V8 puts every object over 128 kB (kMaxRegularHeapObjectSize on 64-bit) in its large-object
// space, where each one gets pages of its own from the OS and gives them back when collected. A
// 289 kB Intercom page decoded to one string, and a 175 kB firehose batch joined into one, each
// cost about 1.3 ms of CPU on the bench machine (mostly page faults: 8 µs for a 127 kB string,
// 910 µs for a 140 kB one; `bench/README.md`, "Fourth pass"), more than parsing the page itself.
// Pieces under the limit come from the young generation, which V8 reuses.
import { JsonSyntaxError, JsonTooDeepError, walkJson } from "../json-pieces";

/**
 * Largest piece (bytes) decoded to one string. UTF-8 never takes fewer bytes than the UTF-16 code
 * units it decodes to, so a piece of 32 kB is at most a 64 kB string even when V8 stores it as
 * two bytes a character: well under the 128 kB large-object threshold.
 */
export const MAX_PIECE_BYTES = 32 * 1024;

/**
 * Containers walked inside one another at most; deeper, the text is parsed whole. The walk
 * recurses once a level and looks at up to a piece of each container before walking it, so this
 * bounds both (a text of 100,000 nested arrays would otherwise overflow the stack).
 */
const MAX_WALK_DEPTH = 32;

/**
 * The value of the JSON text `bytes` (UTF-8): the same value, and the same SyntaxError, as
 * `JSON.parse` of the decoded text, but a text over `maxPieceBytes` is parsed in pieces (the
 * members of its objects and arrays; server/json-pieces.ts) so that no string of more than
 * `maxPieceBytes` bytes' worth is made, except a single string value that long. A leading byte
 * order mark is skipped, as undici's `text()` does.
 * Throws SyntaxError when the text is not JSON (then decoded and parsed whole, for the message).
 */
export function parseJsonBytes(bytes: Uint8Array, maxPieceBytes = MAX_PIECE_BYTES): unknown {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bom = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
  if (buffer.length - bom > maxPieceBytes) {
    try {
      return parseInPieces(buffer.subarray(bom), maxPieceBytes);
    } catch (error) {
      if (!(error instanceof JsonSyntaxError) && !(error instanceof JsonTooDeepError)) throw error;
    }
  }
  // Small, too deep to walk, or not JSON (parsed whole, so the error is JSON.parse's own).
  return JSON.parse(buffer.toString("utf8", bom));
}

/**
 * The value of the JSON text `bytes`, read in pieces of at most `maxPieceBytes` where the text's
 * objects and arrays allow it. Throws JsonSyntaxError when the text is not JSON, JsonTooDeepError
 * when its containers over a piece nest past 32 levels; exported so that tests hold the walk
 * itself, not only the whole-text fallback, to JSON.parse's answers.
 */
export function parseInPieces(bytes: Buffer, maxPieceBytes: number): unknown {
  const walk = walkJson(bytes, {
    pieceBytes: maxPieceBytes,
    maxDepth: MAX_WALK_DEPTH,
    checkPieceDepth: false,
  });
  for (;;) {
    const step = walk.next();
    if (step.done) return step.value;
  }
}

/**
 * The UTF-8 bytes of each of `parts`, one after the other, in one Buffer (outside V8's heap),
 * without joining them into one string first: for a request body made of many small serialised
 * pieces (a firehose batch). Each part is encoded on its own, so a surrogate pair split between two
 * parts becomes two U+FFFD, as `Buffer.concat(parts.map(Buffer.from))` makes it; JSON.stringify's
 * output never holds a lone surrogate.
 */
export function concatUtf8(parts: readonly string[]): Buffer<ArrayBuffer> {
  let size = 0;
  for (const part of parts) size += Buffer.byteLength(part);
  const bytes = Buffer.allocUnsafe(size);
  let at = 0;
  for (const part of parts) at += bytes.write(part, at);
  return bytes;
}
