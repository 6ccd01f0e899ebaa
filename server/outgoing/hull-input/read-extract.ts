import { createReadStream } from "node:fs";
import { open, rm, type FileHandle } from "node:fs/promises";
import { createInterface } from "node:readline";
import { Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { RefusedDestinationError, type SafeFetch } from "../../clients/safe-fetch";
import { BadRequestError, RetryableError } from "../../errors";
import type { ExtractFiles } from "./extract-files";

/** Limits on a download; a caller-supplied URL must not fill the disk, memory or a job forever. */
export interface DownloadLimits {
  /** Ms to wait for the answer's headers, and then between two chunks of its body. */
  timeoutMs?: number;
  /** Bytes an extract may hold in all (default 8 GiB: 1,000,000 user reports of ~8 kB). */
  maxBytes?: number;
  /** Bytes one line may hold (default 8 MiB): the reader holds a line whole in memory. */
  maxLineBytes?: number;
}

const NEWLINE = 0x0a;

const failed = (message: string) => `Could not download the extract: ${message}`;
/** A failure that trying again later can mend: the network, a timeout, a 5xx, a rate limit. */
const transient = (message: string) => new RetryableError(failed(message));
/** A failure no retry mends: a refused address, a 4xx (an expired link), a limit broken. */
const refuse = (message: string) => new BadRequestError(failed(message));

/** Statuses worth trying again (RFC 9110: timeout, rate limit, server errors). */
const isTransientStatus = (status: number) => status === 408 || status === 429 || status >= 500;

/**
 * Counts what passes: fails with BadRequestError once the body outgrows `maxBytes` or a line
 * outgrows `maxLineBytes`, and with RetryableError when no chunk has come for `timeoutMs` (a
 * server that sent its headers and then stalls would otherwise hold the job forever).
 */
function boundedBody(limits: Required<DownloadLimits>): Transform {
  let total = 0;
  let line = 0;
  let idle: NodeJS.Timeout | undefined;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      if (total > limits.maxBytes) return done(refuse(`it is over ${limits.maxBytes} bytes`));
      // `line`: the bytes of the line still open at the end of the chunks seen so far.
      const first = chunk.indexOf(NEWLINE);
      let longest: number;
      if (first === -1) {
        line += chunk.length;
        longest = line;
      } else {
        const tail = chunk.length - chunk.lastIndexOf(NEWLINE) - 1;
        longest = Math.max(line + first, longestInside(chunk), tail);
        line = tail;
      }
      if (longest > limits.maxLineBytes)
        return done(refuse(`a line is over ${limits.maxLineBytes} bytes`));
      arm();
      done(null, chunk);
    },
    flush(done) {
      clearTimeout(idle);
      done();
    },
    destroy(error, done) {
      clearTimeout(idle);
      done(error);
    },
  });
  function arm() {
    clearTimeout(idle);
    idle = setTimeout(
      () => counter.destroy(transient(`nothing came for ${limits.timeoutMs} ms`)),
      limits.timeoutMs,
    );
  }
  arm();
  return counter;
}

/** The longest run between two newlines inside `chunk` (0 when it holds fewer than two). */
function longestInside(chunk: Buffer): number {
  let longest = 0;
  let from = chunk.indexOf(NEWLINE);
  while (from !== -1) {
    const next = chunk.indexOf(NEWLINE, from + 1);
    if (next === -1) break;
    longest = Math.max(longest, next - from - 1);
    from = next;
  }
  return longest;
}

/**
 * Downloads a Hull extract (JSON values, one per line, hull-platform.md §2.6) to `file`. The file,
 * not memory, holds what Intercom has not taken yet: the download is not held open while Intercom
 * paces us (a server may close a connection that reads too slowly), and memory stays flat for any
 * size. The URL is the caller's: `fetch` is the SSRF-safe transport (server/clients/safe-fetch.ts),
 * and `limits` bound its size, its lines and its silences.
 * Throws RetryableError for what may pass (the network, a timeout, a 408, 429 or 5xx: the job
 * tries again, docs/adr/025) and BadRequestError for what will not (a refused address, another
 * status, a broken limit); it settles only once `file` is closed, so the caller may remove it
 * whatever the outcome.
 */
export async function downloadExtract(
  url: string,
  file: string,
  {
    fetch = globalThis.fetch,
    timeoutMs = 30_000,
    maxBytes = 8 * 1024 ** 3,
    maxLineBytes = 8 * 1024 ** 2,
  }: { fetch?: SafeFetch } & DownloadLimits = {},
): Promise<void> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let response: Response;
  try {
    // GET, as Hull's newer connector framework (hull-connectors) and minihull read an extract;
    // hull@0.14.2's handle-extract POSTs. A pre-signed storage URL answers GET; our stand-in both.
    response = await fetch(url, { signal: abort.signal });
  } catch (error) {
    const message = (error as Error).message;
    throw error instanceof RefusedDestinationError ? refuse(message) : transient(message);
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    const answered = `Hull answered ${response.status}`;
    throw isTransientStatus(response.status) ? transient(answered) : refuse(answered);
  }
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body.cancel();
    throw refuse(`it is over ${maxBytes} bytes`);
  }
  // The file is opened here and closed in `finally`, whatever fails: a stream that opened it
  // itself could settle the download before the file was open or closed (the caller's removal
  // then raced the open, CI of 2026-12-01), and one destroyed while opening reports a failed open
  // as an uncaught error (found in review).
  let handle: FileHandle;
  try {
    handle = await open(file, "w", 0o600);
  } catch (error) {
    await response.body.cancel().catch(() => undefined);
    throw transient(`the file could not be opened: ${(error as Error).message}`);
  }
  try {
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      boundedBody({ timeoutMs, maxBytes, maxLineBytes }),
      // Each chunk written to the handle in turn; the handle is ours to close, not the stream's.
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          handle.write(chunk).then(() => done(), done);
        },
      }),
    );
  } catch (error) {
    if (error instanceof BadRequestError || error instanceof RetryableError) throw error;
    // The connection broke mid-body, or the disk refused a write: either may pass.
    throw transient((error as Error).message);
  } finally {
    await handle.close();
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
