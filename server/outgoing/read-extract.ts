import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { BadRequestError } from "../errors";

/**
 * Opens a Hull extract (JSON values, one per line, hull-platform.md §2.6) and yields its lines
 * in chunks, reading no further than the consumer has asked: memory stays flat for any size.
 */
export async function openExtract(
  url: string,
  { timeoutMs = 30_000 }: { timeoutMs?: number } = {},
): Promise<AsyncIterable<string>> {
  // The timeout covers the answer's start only: the body is read as slowly as Intercom allows.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { signal: abort.signal });
  } catch (error) {
    throw new BadRequestError(`Could not download the extract: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new BadRequestError(`Could not download the extract: Hull answered ${response.status}`);
  }
  const lines = createInterface({
    input: Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
    crlfDelay: Infinity,
  });
  return (async function* () {
    for await (const line of lines) if (line.trim() !== "") yield line;
  })();
}

/** Groups lines into arrays of `size`. */
export async function* inChunks<T>(items: AsyncIterable<T>, size: number): AsyncIterable<T[]> {
  let chunk: T[] = [];
  for await (const item of items) {
    chunk.push(item);
    if (chunk.length >= size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}
