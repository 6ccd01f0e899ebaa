export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface JsonRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
}

export class NetworkError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** fetch with a timeout, a JSON body in and out, and network failures as NetworkError. */
export async function fetchJson<T = unknown>(
  url: string,
  request: JsonRequest = {},
): Promise<JsonResponse<T>> {
  const { method = "GET", headers = {}, body, timeoutMs = 10_000 } = request;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
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
