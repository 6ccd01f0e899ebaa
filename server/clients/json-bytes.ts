// JSON in and out as bytes, without ever making one large string.
//
// Why: V8 puts every object over 128 kB (kMaxRegularHeapObjectSize on 64-bit) in its large-object
// space, where each one gets pages of its own from the OS and gives them back when collected. A
// 289 kB Intercom page decoded to one string, and a 175 kB firehose batch joined into one, each
// cost about 1.3 ms of CPU on the bench machine (mostly page faults: 8 µs for a 127 kB string,
// 720 µs for a 140 kB one; `bench/README.md`, "Large objects"), more than parsing the page itself.
// Pieces under the limit come from the young generation, which V8 reuses.

/**
 * Largest piece (bytes) decoded to one string. UTF-8 never takes fewer bytes than the UTF-16 code
 * units it decodes to, so a piece of 32 kB is at most a 64 kB string even when V8 stores it as
 * two bytes a character: well under the 128 kB large-object threshold.
 */
export const MAX_PIECE_BYTES = 32 * 1024;

/**
 * Containers split inside one another at most; deeper, the text is parsed whole. Each split level
 * looks at up to a piece of its container before splitting it, so this also bounds the bytes
 * looked at twice (a text of 100,000 nested arrays would otherwise be scanned 100,000 times).
 */
const MAX_SPLIT_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** Thrown inside the splitter when the text is not as expected; the caller parses it whole. */
class NotSplit extends Error {}

/**
 * The value of the JSON text `bytes` (UTF-8): the same value, and the same SyntaxError, as
 * `JSON.parse` of the decoded text, but a text over `maxPieceBytes` is parsed in pieces (the
 * members of its objects and arrays) so that no string of more than `maxPieceBytes` bytes' worth is
 * made. A leading byte order mark is skipped, as undici's `text()` does.
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
      if (!(error instanceof NotSplit) && !(error instanceof SyntaxError)) throw error;
    }
  }
  // Small, or not JSON (parsed whole, so the error is JSON.parse's own).
  return JSON.parse(buffer.toString("utf8", bom));
}

/**
 * The value of the JSON text `bytes`, read in pieces of at most `maxPieceBytes` where the text's
 * objects and arrays allow it. Throws NotSplit or SyntaxError when the text is not JSON; exported
 * so that tests hold the splitter itself, not only its fallback, to JSON.parse's answers.
 */
export function parseInPieces(bytes: Buffer, maxPieceBytes: number): unknown {
  const start = skipSpace(bytes, 0, bytes.length);
  const end = trimEnd(bytes, start, bytes.length);
  const [value, after] = new Reader(bytes, maxPieceBytes).value(start, end);
  if (after !== end) throw new NotSplit();
  return value;
}

/**
 * The UTF-8 bytes of `parts` joined, in one Buffer (outside V8's heap), without joining them into
 * one string first. For a request body made of many small serialised pieces (a firehose batch).
 */
export function concatUtf8(parts: readonly string[]): Buffer<ArrayBuffer> {
  let size = 0;
  for (const part of parts) size += Buffer.byteLength(part);
  const bytes = Buffer.allocUnsafe(size);
  let at = 0;
  for (const part of parts) at += bytes.write(part, at);
  return bytes;
}

/**
 * Reads objects and arrays member by member; a member that closes within the piece size goes to
 * JSON.parse whole. Each byte is looked at once: a container is only split after it has been
 * found to be larger than a piece.
 */
class Reader {
  constructor(
    private readonly bytes: Buffer,
    private readonly maxPieceBytes: number,
  ) {}

  /** The value starting at `start` (not whitespace) and the index just past it, before `end`. */
  value(start: number, end: number, depth = 0): [unknown, number] {
    const first = this.bytes[start];
    if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
      const limit = Math.min(end, start + this.maxPieceBytes);
      const after = endOfContainer(this.bytes, start, limit);
      if (after >= 0) return [JSON.parse(this.bytes.toString("utf8", start, after)), after];
      if (depth >= MAX_SPLIT_DEPTH) throw new NotSplit();
      return first === OPEN_ARRAY
        ? this.array(start, end, depth + 1)
        : this.object(start, end, depth + 1);
    }
    const after =
      first === QUOTE ? endOfString(this.bytes, start, end) : endOfScalar(this.bytes, start, end);
    return [JSON.parse(this.bytes.toString("utf8", start, after)), after];
  }

  /** The array whose `[` is at `start`, and the index just past its `]`. */
  private array(start: number, end: number, depth: number): [unknown[], number] {
    const items: unknown[] = [];
    let at = skipSpace(this.bytes, start + 1, end);
    if (this.bytes[at] === CLOSE_ARRAY) return [items, at + 1];
    for (;;) {
      const [item, next] = this.value(at, end, depth);
      items.push(item);
      at = skipSpace(this.bytes, next, end);
      if (this.bytes[at] === CLOSE_ARRAY && at < end) return [items, at + 1];
      at = this.afterComma(at, end);
    }
  }

  /** The object whose `{` is at `start`, and the index just past its `}`. */
  private object(start: number, end: number, depth: number): [Record<string, unknown>, number] {
    const members: Record<string, unknown> = {};
    let at = skipSpace(this.bytes, start + 1, end);
    if (this.bytes[at] === CLOSE_OBJECT) return [members, at + 1];
    for (;;) {
      if (this.bytes[at] !== QUOTE || at >= end) throw new NotSplit();
      const keyEnd = endOfString(this.bytes, at, end);
      const key = JSON.parse(this.bytes.toString("utf8", at, keyEnd)) as string;
      const colon = skipSpace(this.bytes, keyEnd, end);
      if (this.bytes[colon] !== COLON) throw new NotSplit();
      const [value, next] = this.value(skipSpace(this.bytes, colon + 1, end), end, depth);
      // JSON.parse makes "__proto__" an own property; assigning it would set the prototype.
      if (key === "__proto__")
        Object.defineProperty(members, key, {
          value,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      else members[key] = value;
      at = skipSpace(this.bytes, next, end);
      if (this.bytes[at] === CLOSE_OBJECT && at < end) return [members, at + 1];
      at = this.afterComma(at, end);
    }
  }

  /** Past the comma at `at` between two members, and the whitespace after it. */
  private afterComma(at: number, end: number): number {
    if (this.bytes[at] !== COMMA || at >= end) throw new NotSplit();
    return skipSpace(this.bytes, at + 1, end);
  }
}

/** The index just past the string whose opening quote is at `at`; it must close before `end`. */
function endOfString(bytes: Buffer, at: number, end: number): number {
  const after = endOfStringBefore(bytes, at, end);
  if (after < 0) throw new NotSplit();
  return after;
}

/** The index just past the string whose opening quote is at `at`, or -1 if not closed by `end`. */
function endOfStringBefore(bytes: Buffer, at: number, end: number): number {
  let quote = at;
  for (;;) {
    quote = bytes.indexOf(QUOTE, quote + 1);
    if (quote < 0 || quote >= end) return -1;
    let slashes = 0;
    while (bytes[quote - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return quote + 1;
  }
}

/**
 * The index just past the object or array opening at `at`, its brackets matched by kind; -1 when
 * it has not closed by `limit`.
 */
function endOfContainer(bytes: Buffer, at: number, limit: number): number {
  const open: number[] = [];
  for (let index = at; index < limit; index++) {
    const byte = bytes[index];
    if (byte === QUOTE) {
      index = endOfStringBefore(bytes, index, limit) - 1;
      if (index < 0) return -1;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) open.push(byte);
    else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      if (open.pop() !== (byte === CLOSE_OBJECT ? OPEN_OBJECT : OPEN_ARRAY)) throw new NotSplit();
      if (open.length === 0) return index + 1;
    }
  }
  return -1;
}

/** The index just past a number or literal starting at `at` (JSON.parse then checks it). */
function endOfScalar(bytes: Buffer, at: number, end: number): number {
  let index = at;
  while (index < end) {
    const byte = bytes[index];
    if (byte === COMMA || byte === CLOSE_OBJECT || byte === CLOSE_ARRAY || isSpace(byte)) break;
    index++;
  }
  if (index === at) throw new NotSplit();
  return index;
}

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function skipSpace(bytes: Buffer, at: number, end: number): number {
  let index = at;
  while (index < end && isSpace(bytes[index])) index++;
  return index;
}

function trimEnd(bytes: Buffer, start: number, end: number): number {
  let index = end;
  while (index > start && isSpace(bytes[index - 1])) index--;
  return index;
}
