import { createReadStream, createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { SafeFetch } from "../../clients/safe-fetch";
import { BadRequestError } from "../../errors";
import type { ExtractFiles } from "./extract-files";

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

/** Skips the first `count` items (lines an earlier run of the same extract already sent). */
export async function* skipFirst<T>(items: AsyncIterable<T>, count: number): AsyncIterable<T> {
  let seen = 0;
  for await (const item of items) if (seen++ >= count) yield item;
}

/**
 * Downloads a job's extract to its file (`downloadExtract`), gives its lines to `use`, and removes
 * the file whatever the outcome: personal data lives only as long as the job does. Throws what
 * the download or `use` throws.
 */
export async function withExtractLines<T>(
  url: string,
  jobId: string,
  download: { files: ExtractFiles; fetch: SafeFetch },
  use: (lines: AsyncIterable<string>) => Promise<T>,
): Promise<T> {
  const file = await download.files.fileFor(jobId);
  try {
    await downloadExtract(url, file, { fetch: download.fetch });
    return await use(extractLines(file));
  } finally {
    await rm(file, { force: true });
  }
}
