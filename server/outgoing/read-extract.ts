import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { BadRequestError } from "../errors";

/**
 * Downloads a Hull extract (JSON values, one per line, hull-platform.md §2.6) to a temporary file
 * and yields its lines as they are consumed. The file, not memory, holds what Intercom has not
 * taken yet: the download is not held open while Intercom paces us (a server may close a
 * connection that reads too slowly), and memory stays flat for any size.
 */
export async function openExtract(
  url: string,
  { timeoutMs = 30_000 }: { timeoutMs?: number } = {},
): Promise<AsyncIterable<string>> {
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
  const folder = await mkdtemp(join(tmpdir(), "hull-extract-"));
  const file = join(folder, "extract.json");
  try {
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      createWriteStream(file),
    );
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw new BadRequestError(`Could not download the extract: ${(error as Error).message}`);
  }
  return (async function* () {
    try {
      const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
      for await (const line of lines) if (line.trim() !== "") yield line;
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
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
