// JSON text read in pieces: objects and arrays larger than a piece are walked member by member,
// and every piece (a member that closes within `pieceBytes`, a run of such members up to 8 kB, a
// key, a scalar) goes to JSON.parse.
// The walking finds only where members begin and end; the parsing is V8's. Two callers drive it:
// - parseJsonBytes (server/clients/json-bytes.ts), for answers: no string over a piece is made,
//   because V8 gives every object over 128 kB pages of its own from the OS, which cost more than
//   parsing (ADR 028);
// - parseJsonInSlices (server/http/json-in-slices.ts), for request bodies of any size: the event
//   loop gets a turn between pieces, and nesting is refused past a depth before anything is parsed.

/** Options of `walkJson`. */
export interface WalkOptions {
  /** Largest piece (bytes) given to JSON.parse at once; larger containers are walked. */
  pieceBytes: number;
  /**
   * Deepest nesting of objects and arrays accepted (JsonTooDeepError past it). It also bounds how
   * deep the walk recurses, so it must stay small (body.ts: 64).
   */
  maxDepth: number;
  /**
   * Whether each piece's own nesting is measured (`jsonDepth`, a scan of its bytes) before it is
   * parsed: needed to refuse a deep body without parsing it; not for answers we only read.
   */
  checkPieceDepth: boolean;
}

export class JsonSyntaxError extends Error {
  constructor() {
    super("Not valid JSON");
  }
}

export class JsonTooDeepError extends Error {
  constructor() {
    super("JSON nested too deeply");
  }
}

/**
 * Walks the JSON text `bytes` (UTF-8, no byte order mark). A generator: after each piece it yields
 * the number of bytes that piece covered, so a caller may give the event loop a turn; it returns
 * the value, equal to `JSON.parse` of the text (the last of duplicate keys wins; `__proto__` is an
 * own property). Throws JsonSyntaxError where JSON.parse would throw, JsonTooDeepError for nesting
 * past `maxDepth`.
 */
export function* walkJson(bytes: Buffer, options: WalkOptions): Generator<number, unknown> {
  const start = skipSpace(bytes, 0, bytes.length);
  const end = trimEnd(bytes, start, bytes.length);
  if (start >= end) throw new JsonSyntaxError();
  const [value, after] = yield* valueAt(bytes, start, end, 0, options);
  if (after !== end) throw new JsonSyntaxError();
  return value;
}

/**
 * The deepest nesting of objects and arrays in JSON text (bytes `start` to `end`), in one pass,
 * stopping as soon as it passes `stopAbove` (brackets inside strings do not count). Linear and
 * allocation-free: a deep body costs a scan up to `stopAbove` levels, never a parse.
 */
export function jsonDepth(
  text: Uint8Array,
  stopAbove = Infinity,
  start = 0,
  end = text.length,
): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let at = start; at < end; at++) {
    const byte = text[at];
    if (inString) {
      if (byte === BACKSLASH) at++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > stopAbove) return deepest;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) depth--;
  }
  return deepest;
}

type Walk<T> = Generator<number, [T, number]>;

/** The value starting at `start` (not whitespace), inside `level` walked containers, and its end. */
function* valueAt(
  bytes: Buffer,
  start: number,
  end: number,
  level: number,
  options: WalkOptions,
): Walk<unknown> {
  const first = bytes[start];
  let after: number;
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
    after = endOfContainer(bytes, start, Math.min(end, start + options.pieceBytes));
    if (after < 0) {
      if (level + 1 > options.maxDepth) throw new JsonTooDeepError();
      return first === OPEN_ARRAY
        ? yield* arrayAt(bytes, start, end, level + 1, options)
        : yield* objectAt(bytes, start, end, level + 1, options);
    }
  } else {
    after = first === QUOTE ? endOfString(bytes, start, end) : endOfScalar(bytes, start, end);
  }
  const value = parsePiece(bytes, start, after, level, options);
  yield after - start;
  return [value, after];
}

function* arrayAt(
  bytes: Buffer,
  start: number,
  end: number,
  level: number,
  options: WalkOptions,
): Walk<unknown[]> {
  const items: unknown[] = [];
  let at = skipSpace(bytes, start + 1, end);
  if (bytes[at] === CLOSE_ARRAY && at < end) return [items, at + 1];
  for (;;) {
    let next = endOfRun(bytes, at, runLimit(at, end, options), false);
    if (next > at) {
      const run = parsePiece(bytes, at, next, level, options, "[]") as unknown[];
      for (const item of run) items.push(item);
      yield next - at;
    } else {
      const [item, after] = yield* valueAt(bytes, at, end, level, options);
      items.push(item);
      next = after;
    }
    at = skipSpace(bytes, next, end);
    if (bytes[at] === CLOSE_ARRAY && at < end) return [items, at + 1];
    at = afterComma(bytes, at, end);
  }
}

function* objectAt(
  bytes: Buffer,
  start: number,
  end: number,
  level: number,
  options: WalkOptions,
): Walk<Record<string, unknown>> {
  const members: Record<string, unknown> = {};
  let at = skipSpace(bytes, start + 1, end);
  if (bytes[at] === CLOSE_OBJECT && at < end) return [members, at + 1];
  for (;;) {
    let next = endOfRun(bytes, at, runLimit(at, end, options), true);
    if (next > at) {
      const run = parsePiece(bytes, at, next, level, options, "{}") as Record<string, unknown>;
      for (const key of Object.keys(run)) setMember(members, key, run[key]);
      yield next - at;
    } else {
      if (bytes[at] !== QUOTE || at >= end) throw new JsonSyntaxError();
      const keyEnd = endOfString(bytes, at, end);
      const key = parsePiece(bytes, at, keyEnd, level, options) as string;
      const colon = skipSpace(bytes, keyEnd, end);
      if (bytes[colon] !== COLON || colon >= end) throw new JsonSyntaxError();
      const valueStart = skipSpace(bytes, colon + 1, end);
      const [value, after] = yield* valueAt(bytes, valueStart, end, level, options);
      setMember(members, key, value);
      next = after;
    }
    at = skipSpace(bytes, next, end);
    if (bytes[at] === CLOSE_OBJECT && at < end) return [members, at + 1];
    at = afterComma(bytes, at, end);
  }
}

/** `members[key] = value`, but "__proto__" as an own property, as JSON.parse makes it. */
function setMember(members: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(members, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  else members[key] = value;
}

/**
 * Where a run of members starting at `at` must end: 8 kB at most, or a piece if smaller. Measured
 * on a page of 150 contacts (~1.9 kB each), runs of 8 kB cost the same as one member at a time,
 * and runs of 32 kB 12 % more (one larger string to decode and copy); on an array of 20,000
 * numbers, runs of 8 kB took a fifth of the time of one number at a time.
 */
function runLimit(at: number, end: number, options: WalkOptions): number {
  return Math.min(end, at + Math.min(options.pieceBytes, 8 * 1024));
}

/**
 * The end of the longest run of whole members (array items, or object keys with their values)
 * from `at` that ends before `limit`, so that one JSON.parse takes them all (an array of numbers is
 * not parsed one number at a time). `at` when not even the first member ends before `limit`.
 */
function endOfRun(bytes: Buffer, at: number, limit: number, inObject: boolean): number {
  let runEnd = at;
  let member = at;
  for (;;) {
    const memberEnd = endOfMemberBefore(bytes, member, limit, inObject);
    if (memberEnd < 0) return runEnd;
    runEnd = memberEnd;
    const comma = skipSpace(bytes, memberEnd, limit);
    if (comma >= limit || bytes[comma] !== COMMA) return runEnd;
    member = skipSpace(bytes, comma + 1, limit);
  }
}

/** The end of the member at `at` when it ends before `limit`; -1 otherwise (or if malformed). */
function endOfMemberBefore(bytes: Buffer, at: number, limit: number, inObject: boolean): number {
  let value = at;
  if (inObject) {
    if (bytes[at] !== QUOTE) return -1;
    const keyEnd = endOfStringBefore(bytes, at, limit);
    if (keyEnd < 0) return -1;
    const colon = skipSpace(bytes, keyEnd, limit);
    if (colon >= limit || bytes[colon] !== COLON) return -1;
    value = skipSpace(bytes, colon + 1, limit);
  }
  if (value >= limit) return -1;
  const first = bytes[value];
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) return endOfContainer(bytes, value, limit);
  if (first === QUOTE) return endOfStringBefore(bytes, value, limit);
  let index = value;
  while (index < limit && !isDelimiter(bytes[index])) index++;
  // A number or literal running into the limit may go on past it.
  return index > value && index < limit ? index : -1;
}

/**
 * JSON.parse of bytes `start` to `after` (inside `brackets` for a run of members), its nesting
 * first checked when the options say so.
 */
function parsePiece(
  bytes: Buffer,
  start: number,
  after: number,
  level: number,
  options: WalkOptions,
  brackets?: "[]" | "{}",
): unknown {
  if (
    options.checkPieceDepth &&
    level + jsonDepth(bytes, options.maxDepth - level, start, after) > options.maxDepth
  )
    throw new JsonTooDeepError();
  const text = bytes.toString("utf8", start, after);
  try {
    return JSON.parse(brackets ? brackets[0] + text + brackets[1] : text);
  } catch {
    throw new JsonSyntaxError();
  }
}

/** Past the comma at `at` between two members, and the whitespace after it. */
function afterComma(bytes: Buffer, at: number, end: number): number {
  if (bytes[at] !== COMMA || at >= end) throw new JsonSyntaxError();
  return skipSpace(bytes, at + 1, end);
}

/** The index just past the string whose opening quote is at `at`; it must close before `end`. */
function endOfString(bytes: Buffer, at: number, end: number): number {
  const after = endOfStringBefore(bytes, at, end);
  if (after < 0) throw new JsonSyntaxError();
  return after;
}

/**
 * The index just past the string whose opening quote is at `at`, or -1 if it has not closed by
 * `end`. Quotes are found with Buffer.indexOf (native), not byte by byte; one is the closing quote
 * when an even number of backslashes precedes it.
 */
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
 * The index just past the object or array opening at `at`, where its brackets are back to level;
 * -1 when it has not closed by `limit`. Brackets are counted, not matched by kind: a stack of them
 * would itself be a large object at 16k levels (found in review); a `]` closing a `{` leaves a
 * piece that JSON.parse refuses.
 */
function endOfContainer(bytes: Buffer, at: number, limit: number): number {
  let open = 0;
  for (let index = at; index < limit; index++) {
    const byte = bytes[index];
    if (byte === QUOTE) {
      index = endOfStringBefore(bytes, index, limit) - 1;
      if (index < 0) return -1;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) open++;
    else if ((byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) && --open === 0) return index + 1;
  }
  return -1;
}

/** The index just past a number or literal starting at `at` (JSON.parse then judges it). */
function endOfScalar(bytes: Buffer, at: number, end: number): number {
  let index = at;
  while (index < end && !isDelimiter(bytes[index])) index++;
  if (index === at) throw new JsonSyntaxError();
  return index;
}

/** A byte that ends a number or literal: `,`, `}`, `]` or whitespace. */
function isDelimiter(byte: number | undefined): boolean {
  return byte === COMMA || byte === CLOSE_OBJECT || byte === CLOSE_ARRAY || isSpace(byte);
}

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function skipSpace(bytes: Uint8Array, at: number, end: number): number {
  let index = at;
  while (index < end && isSpace(bytes[index])) index++;
  return index;
}

function trimEnd(bytes: Uint8Array, start: number, end: number): number {
  let index = end;
  while (index > start && isSpace(bytes[index - 1])) index--;
  return index;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
