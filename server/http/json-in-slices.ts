import { setImmediate as nextTurn } from "node:timers/promises";

/**
 * JSON.parse for large bodies that never holds the event loop for long: containers larger than
 * `sliceBytes` are walked member by member, every piece of at most `sliceBytes` goes through
 * JSON.parse, and the event loop gets a turn after each `sliceBytes` handled. One JSON.parse of a
 * 20 MB notification took 0.6–2.2 s on our 2-core machine under load; in slices of 256 KB no
 * single step takes more than a few milliseconds (stream-json, measured first, took 17 s for the
 * same body with 400 ms stalls, so the bytes are cut at the structure instead).
 *
 * The result equals `JSON.parse(text)` (duplicate keys: the last wins; `__proto__` is an own
 * property), and so does the refusal of malformed text. Nesting deeper than `maxDepth` is refused
 * without parsing. Throws `JsonSyntaxError` or `JsonTooDeepError`.
 */
export async function parseJsonInSlices(
  raw: Uint8Array,
  { sliceBytes = 256 * 1024, maxDepth = 64 }: { sliceBytes?: number; maxDepth?: number } = {},
): Promise<unknown> {
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  let sinceTurn = 0;
  const spend = async (bytes: number) => {
    sinceTurn += bytes;
    if (sinceTurn >= sliceBytes) {
      sinceTurn = 0;
      await nextTurn();
    }
  };
  const parsePiece = (start: number, end: number, level: number): unknown => {
    if (level + jsonDepth(text, maxDepth - level, start, end) > maxDepth)
      throw new JsonTooDeepError();
    try {
      return JSON.parse(text.toString("utf8", start, end));
    } catch {
      throw new JsonSyntaxError();
    }
  };

  /** Parses the value at `start` (not whitespace) at nesting `level`; resolves to it and its end. */
  async function valueAt(start: number, level: number): Promise<[unknown, number]> {
    const first = text[start];
    if (first !== OPEN_OBJECT && first !== OPEN_ARRAY) {
      const end = scalarEnd(text, start);
      await spend(end - start);
      return [parsePiece(start, end, level), end];
    }
    const close = matchingClose(text, start, Math.min(text.length, start + sliceBytes));
    if (close >= 0) {
      await spend(close + 1 - start);
      return [parsePiece(start, close + 1, level), close + 1];
    }
    if (level + 1 > maxDepth) throw new JsonTooDeepError();
    return first === OPEN_ARRAY ? arrayAt(start, level + 1) : objectAt(start, level + 1);
  }

  async function arrayAt(start: number, level: number): Promise<[unknown, number]> {
    const items: unknown[] = [];
    let at = skipSpace(text, start + 1);
    if (text[at] === CLOSE_ARRAY) return [items, at + 1];
    for (;;) {
      if (at >= text.length) throw new JsonSyntaxError();
      const [item, end] = await valueAt(at, level);
      items.push(item);
      at = skipSpace(text, end);
      if (text[at] === CLOSE_ARRAY) return [items, at + 1];
      if (text[at] !== COMMA) throw new JsonSyntaxError();
      at = skipSpace(text, at + 1);
    }
  }

  async function objectAt(start: number, level: number): Promise<[unknown, number]> {
    const members: Record<string, unknown> = {};
    let at = skipSpace(text, start + 1);
    if (text[at] === CLOSE_OBJECT) return [members, at + 1];
    for (;;) {
      if (text[at] !== QUOTE) throw new JsonSyntaxError();
      const keyEnd = scalarEnd(text, at);
      const key = parsePiece(at, keyEnd, level) as string;
      at = skipSpace(text, keyEnd);
      if (text[at] !== COLON) throw new JsonSyntaxError();
      const [value, end] = await valueAt(skipSpace(text, at + 1), level);
      // As JSON.parse does: an own property even for "__proto__", the last duplicate wins.
      Object.defineProperty(members, key, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
      at = skipSpace(text, end);
      if (text[at] === CLOSE_OBJECT) return [members, at + 1];
      if (text[at] !== COMMA) throw new JsonSyntaxError();
      at = skipSpace(text, at + 1);
    }
  }

  const start = skipSpace(text, 0);
  if (start >= text.length) throw new JsonSyntaxError();
  const [value, end] = await valueAt(start, 0);
  if (skipSpace(text, end) !== text.length) throw new JsonSyntaxError();
  return value;
}

export class JsonSyntaxError extends Error {
  constructor() {
    super("Request body is not valid JSON");
  }
}

export class JsonTooDeepError extends Error {
  constructor() {
    super("Request body is nested too deeply");
  }
}

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

const isSpace = (byte: number | undefined) =>
  byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

function skipSpace(text: Uint8Array, at: number): number {
  while (at < text.length && isSpace(text[at])) at++;
  return at;
}

/** End (exclusive) of the string or bare literal at `start`; JSON.parse judges its content. */
function scalarEnd(text: Uint8Array, start: number): number {
  if (text[start] === QUOTE) {
    for (let at = start + 1; at < text.length; at++) {
      if (text[at] === BACKSLASH) at++;
      else if (text[at] === QUOTE) return at + 1;
    }
    return text.length;
  }
  let at = start;
  while (at < text.length) {
    const byte = text[at];
    if (byte === COMMA || byte === CLOSE_ARRAY || byte === CLOSE_OBJECT || isSpace(byte)) break;
    if (byte === OPEN_ARRAY || byte === OPEN_OBJECT || byte === QUOTE || byte === COLON) break;
    at++;
  }
  return Math.max(at, start + 1);
}

/** Index of the bracket closing the container at `start`, looking before `limit` only; -1 if not. */
function matchingClose(text: Uint8Array, start: number, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let at = start; at < limit; at++) {
    const byte = text[at];
    if (inString) {
      if (byte === BACKSLASH) at++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) depth++;
    else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth--;
      if (depth === 0) return at;
    }
  }
  return -1;
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
