import { RetryableError } from "../../errors";
import { fetchJson, NetworkError } from "../fetch-json";
import {
  describeError,
  IntercomApiError,
  IntercomUnavailableError,
  TokenRevokedError,
} from "./errors";
import { retryAfterMs, type Pacer } from "./pacer";

export const INTERCOM_VERSION = "2.14";

export interface IntercomHttpOptions {
  baseUrl: string;
  token: string;
  pacer: Pacer;
  /** Attempts after the first for 429, 5xx and network failures. */
  maxRetries?: number;
  timeoutMs?: number;
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Told about every retry, for logs and counters. */
  onRetry?: (event: {
    method: string;
    path: string;
    status?: number;
    waitMs: number;
    attempt: number;
  }) => void;
}

export interface IntercomRequest {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /**
   * false: a 5xx, a 408 or no answer is thrown at once (IntercomUnavailableError), never sent
   * again as it was. For a request that must not be repeated as it was after a failure, e.g. a
   * company scroll page (its 500 means "restart your scroll query"). 429s are still waited out:
   * Intercom refused those before doing anything. Default true.
   */
  retryUnavailable?: boolean;
}

export type IntercomHttp = <T>(
  method: string,
  path: string,
  request?: IntercomRequest,
) => Promise<T>;

/** Whether a response's `X-RateLimit-Remaining` says the current window still has budget. */
/** The longest (ms) one request waits for a rate limit itself before handing the wait back. */
const MAX_IN_REQUEST_WAIT_MS = 60_000;

function budgetLeft(headers: { get(name: string): string | null }): boolean {
  const remaining = Number(headers.get("x-ratelimit-remaining") ?? "0");
  return Number.isFinite(remaining) && remaining > 0;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One place that paces, authenticates, retries and classifies every request to Intercom.
 * Requests throw TokenRevokedError (401), RetryableError (429 after the retries),
 * IntercomUnavailableError (a RetryableError: 5xx or 408 after the retries, unreachable; at once
 * with `retryUnavailable: false`) and IntercomApiError (any other 4xx, an UpstreamRefusedError).
 */
export function createIntercomHttp(options: IntercomHttpOptions): IntercomHttp {
  const {
    baseUrl,
    token,
    pacer,
    maxRetries = 5,
    timeoutMs = 20_000,
    backoffMs = 500,
    sleep = defaultSleep,
    onRetry,
  } = options;
  const headers = {
    authorization: `Bearer ${token}`,
    "intercom-version": INTERCOM_VERSION,
    accept: "application/json",
  };

  async function waitForBudget(): Promise<void> {
    for (let wait = pacer.delay(); wait > 0; wait = pacer.delay()) await sleep(wait);
    pacer.started();
  }

  return async function request<T>(
    method: string,
    path: string,
    { query, body, retryUnavailable = true }: IntercomRequest = {},
  ): Promise<T> {
    const url = new URL(baseUrl + path);
    for (const [key, value] of Object.entries(query ?? {}))
      if (value !== undefined) url.searchParams.set(key, String(value));
    for (let attempt = 0; ; attempt++) {
      await waitForBudget();
      let response;
      try {
        response = await fetchJson<T>(url.toString(), { method, headers, body, timeoutMs });
      } catch (error) {
        pacer.finished(new Headers());
        if (!(error instanceof NetworkError)) throw error;
        if (attempt >= maxRetries || !retryUnavailable)
          throw new IntercomUnavailableError(
            `Intercom is unreachable: ${error.message}`,
            undefined,
            10_000,
          );
        const waitMs = backoffMs * 2 ** attempt;
        onRetry?.({ method, path, waitMs, attempt });
        await sleep(waitMs);
        continue;
      }
      pacer.finished(response.headers);
      const { status } = response;
      if (status < 300) return response.body;
      if (status === 401) throw new TokenRevokedError();
      if (status === 429) {
        // Intercom's own excess answer says `X-RateLimit-Remaining: 0`: the window is spent, and
        // every request waits for its reset. A 429 that says budget is left came from another
        // limit than this window's (e.g. the workspace's, shared with other apps): back off this
        // request, randomised and exponential, the other handling intercom-api.md §2.5 names.
        // A Retry-After (Intercom's SDK honours it first) holds every request of the workspace
        // that long, up to the longest a request waits; a longer wait is the caller's (a job,
        // the waiting users), told by the RetryableError.
        const asked = retryAfterMs(response.headers);
        const held =
          asked > 0
            ? pacer.exhausted(response.headers, Math.min(asked, MAX_IN_REQUEST_WAIT_MS))
            : budgetLeft(response.headers)
              ? Math.round(backoffMs * 2 ** attempt * (0.5 + Math.random()))
              : pacer.exhausted(response.headers);
        const waitMs = Math.max(held, asked);
        if (attempt >= maxRetries || waitMs > MAX_IN_REQUEST_WAIT_MS)
          throw new RetryableError("Intercom's rate limit is exhausted", waitMs);
        onRetry?.({ method, path, status, waitMs, attempt });
        await sleep(waitMs);
        continue;
      }
      if (status >= 500 || status === 408) {
        if (attempt >= maxRetries || !retryUnavailable)
          throw new IntercomUnavailableError(
            `Intercom answered ${status} to ${method} ${path}`,
            status,
            10_000,
          );
        const waitMs = backoffMs * 2 ** attempt;
        onRetry?.({ method, path, status, waitMs, attempt });
        await sleep(waitMs);
        continue;
      }
      const { code, message } = describeError(response.body);
      throw new IntercomApiError(status, code, message, method, path);
    }
  };
}
