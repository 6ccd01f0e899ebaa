import { Agent, request as undiciRequest } from "undici";
import { parseJsonBytes } from "./json-bytes";

/** A response's headers, read by name (case-insensitive), as the web `Headers` reads them. */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface JsonResponse<T = unknown> {
  status: number;
  headers: ResponseHeaders;
  body: T;
}

export interface JsonRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** A body already serialised as JSON, as text or UTF-8 bytes (sent as it is, instead of `body`). */
  jsonText?: string | Uint8Array<ArrayBuffer>;
  /**
   * A form body, sent `application/x-www-form-urlencoded` instead of `body` (e.g. an OAuth token
   * request, RFC 6749 §4.1.3). The answer is still read as JSON.
   */
  form?: Record<string, string>;
  timeoutMs?: number;
  /**
   * The transport; `createSafeFetch(...)` for a URL a caller chose. Default: undici's `request` on
   * a keep-alive pool (ADR 021), for the connector's own configured hosts (Intercom, Hull's firehose).
   */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

export class NetworkError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/**
 * fetch with a timeout, a JSON body in and out, and network failures as NetworkError. Redirects
 * are never followed: a 3xx is returned as it is, so a credential header (Hull-Access-Token) is
 * never replayed to wherever a Location points.
 * Throws NetworkError (unreachable, timeout); an HTTP error status is returned, not thrown.
 */
export async function fetchJson<T = unknown>(
  url: string,
  request: JsonRequest = {},
): Promise<JsonResponse<T>> {
  const { method = "GET", headers = {}, body, form, timeoutMs = 10_000, fetch } = request;
  const formText = form === undefined ? undefined : new URLSearchParams(form).toString();
  const jsonText =
    formText !== undefined
      ? undefined
      : (request.jsonText ?? (body === undefined ? undefined : JSON.stringify(body)));
  const contentType =
    formText !== undefined
      ? "application/x-www-form-urlencoded"
      : jsonText === undefined
        ? undefined
        : "application/json";
  const payload = formText ?? jsonText;
  const sent = {
    accept: "application/json",
    ...(contentType === undefined ? {} : { "content-type": contentType }),
    ...headers,
  };
  const signal = AbortSignal.timeout(timeoutMs);
  const failed = (error: unknown) => {
    const reason = signal.aborted ? "timed out" : "failed";
    const { host, pathname } = new URL(url);
    return new NetworkError(`${method} ${host}${pathname} ${reason}`, error);
  };
  if (fetch) {
    let response: Response;
    try {
      response = await fetch(url, {
        redirect: "manual",
        method,
        headers: sent,
        body: payload,
        signal,
      });
    } catch (error) {
      throw failed(error);
    }
    const text = await response.text().catch(() => "");
    return {
      status: response.status,
      headers: response.headers,
      body: parseJson<T>(text, response.headers),
    };
  }
  // undici's `request` writes a string body as it is and reads the answer without web streams
  // (the global fetch turned every firehose body into a stream: ~4 % of a fetch's CPU), on a
  // keep-alive pool. It follows no redirect, as `redirect: "manual"` above.
  let answer: Awaited<ReturnType<typeof undiciRequest>>;
  try {
    answer = await undiciRequest(url, {
      method: method as "GET",
      headers: sent,
      body: payload,
      signal,
      dispatcher: pool(),
    });
  } catch (error) {
    throw failed(error);
  }
  // Read as bytes, not text: a page of contacts decoded to one string is a large object to V8
  // (json-bytes.ts), and parseJsonBytes reads it in pieces.
  const bytes = await answer.body.bytes().catch(() => new Uint8Array(0));
  const received = nodeHeaders(answer.headers);
  return { status: answer.statusCode, headers: received, body: parseJsonBody<T>(bytes, received) };
}

/** The body parsed when the answer says it is JSON and it parses; otherwise the text. */
function parseJsonBody<T>(bytes: Uint8Array, headers: ResponseHeaders): T {
  if (bytes.length === 0) return "" as T;
  if ((headers.get("content-type") ?? "").includes("json")) {
    try {
      return parseJsonBytes(bytes) as T;
    } catch {
      // Not JSON after all: the text, as for any other body.
    }
  }
  return new TextDecoder().decode(bytes) as T;
}

/**
 * `parseJsonBody` for the web `fetch` path (caller-chosen URLs through the SSRF-safe fetch), which
 * reads text: the body parsed when the answer says it is JSON and it parses; otherwise the text.
 */
function parseJson<T>(text: string, headers: ResponseHeaders): T {
  if (!text || !(headers.get("content-type") ?? "").includes("json")) return text as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    return text as T;
  }
}

/** Node's header record (lower-case names; repeated ones as arrays) read like web `Headers`. */
function nodeHeaders(record: Record<string, string | string[] | undefined>): ResponseHeaders {
  return {
    get(name) {
      const value = record[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

let shared: Agent | undefined;

/** One keep-alive pool per origin for the process, made on first use. */
function pool(): Agent {
  shared ??= new Agent();
  return shared;
}
