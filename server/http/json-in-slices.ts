import { setImmediate as nextTurn } from "node:timers/promises";
import { walkJson } from "../json-pieces";

export { jsonDepth, JsonSyntaxError, JsonTooDeepError } from "../json-pieces";

/**
 * JSON.parse for large bodies that never holds the event loop for long: containers larger than
 * `sliceBytes` are walked member by member (server/json-pieces.ts), every piece of at most
 * `sliceBytes` goes through JSON.parse, and the event loop gets a turn after each `sliceBytes`
 * handled. One JSON.parse of a 20 MB notification took 0.6–2.2 s on our 2-core machine under
 * load; in slices no single step takes more than a few milliseconds (stream-json, measured first,
 * took 17 s for the same body with 400 ms stalls, so the bytes are cut at the structure instead).
 *
 * The result equals `JSON.parse(text)` (duplicate keys: the last wins; `__proto__` is an own
 * property), and so does the refusal of malformed text. Nesting deeper than `maxDepth` is refused
 * without parsing. Throws `JsonSyntaxError` or `JsonTooDeepError`.
 */
export async function parseJsonInSlices(
  raw: Uint8Array,
  { sliceBytes = 32 * 1024, maxDepth = 64 }: { sliceBytes?: number; maxDepth?: number } = {},
): Promise<unknown> {
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const walk = walkJson(text, { pieceBytes: sliceBytes, maxDepth, checkPieceDepth: true });
  let sinceTurn = 0;
  for (;;) {
    const step = walk.next();
    if (step.done) return step.value;
    sinceTurn += step.value;
    if (sinceTurn >= sliceBytes) {
      sinceTurn = 0;
      await nextTurn();
    }
  }
}
