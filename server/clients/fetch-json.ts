export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface JsonRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** A body already serialised as JSON (sent as it is, instead of `body`). */
  jsonText?: string;
  timeoutMs?: number;
  /** The transport; `createSafeFetch(...)` for a URL a caller chose. Default: the global fetch. */
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
  const {
    method = "GET",
    headers = {},
    body,
    jsonText = body === undefined ? undefined : JSON.stringify(body),
    timeoutMs = 10_000,
    fetch = globalThis.fetch,
  } = request;
  let response: Response;
  try {
    response = await fetch(url, {
      redirect: "manual",
      method,
      headers: {
        accept: "application/json",
        ...(jsonText === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: jsonText,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const reason = error instanceof Error && error.name === "TimeoutError" ? "timed out" : "failed";
    throw new NetworkError(
      `${method} ${new URL(url).host}${new URL(url).pathname} ${reason}`,
      error,
    );
  }
  const text = await response.text().catch(() => "");
  let parsed: unknown = text;
  if (text && (response.headers.get("content-type") ?? "").includes("json")) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}
