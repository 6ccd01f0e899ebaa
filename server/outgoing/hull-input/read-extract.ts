import { createReadStream, createWriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { SafeFetch } from "../../clients/safe-fetch";
import { BadRequestError } from "../../errors";

/**
 * Downloads a Hull extract (JSON values, one per line, hull-platform.md §2.6) to `file`. The file,
 * not memory, holds what Intercom has not taken yet: the download is not held open while Intercom
 * paces us (a server may close a connection that reads too slowly), and memory stays flat for any
 * size. The URL is the caller's: `fetch` is the SSRF-safe transport (server/clients/safe-fetch.ts).
 * Throws BadRequestError when it cannot be downloaded; the caller removes `file` in any case.
 */
export async function downloadExtract(
  url: string,
  file: string,
  { fetch = globalThis.fetch, timeoutMs = 30_000 }: { fetch?: SafeFetch; timeoutMs?: number } = {},
): Promise<void> {
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
  try {
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      createWriteStream(file, { mode: 0o600 }),
    );
  } catch (error) {
    throw new BadRequestError(`Could not download the extract: ${(error as Error).message}`);
  }
}

/** The non-blank lines of a downloaded extract, read as they are consumed. */
export async function* extractLines(file: string): AsyncIterable<string> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim() !== "") yield line;
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
