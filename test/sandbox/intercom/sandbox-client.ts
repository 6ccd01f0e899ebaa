import {
  startIntercomSandbox,
  type IntercomSandboxOptions,
} from "../../../sandbox/intercom/index.js";
import { intercomResponseProblems } from "../../helpers/intercom-contract.js";

// Tests read JSON bodies loosely; their shape is checked against the official schemas instead.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

export interface Reply<T = Loose> {
  status: number;
  headers: Headers;
  body: T;
}

/** A manual clock for rate windows, code expiry and search lag. */
export function manualClock(start = Date.UTC(2026, 0, 10, 12, 0, 0)) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => (now += ms),
    set: (ms: number) => (now = ms),
  };
}

const isRest = (path: string) =>
  !path.startsWith("/_sandbox") && !path.startsWith("/oauth") && !path.startsWith("/auth/");

/**
 * Starts a stand-in and a small client for it. Every REST response is checked against the official
 * description; `contractProblems` collects what did not validate (asserted empty in afterAll).
 */
export async function startTestSandbox(options: IntercomSandboxOptions = {}) {
  const sandbox = await startIntercomSandbox(options);
  const contractProblems: string[] = [];

  async function call<T = Loose>(
    method: string,
    path: string,
    body?: unknown,
    init: { token?: string | null; headers?: Record<string, string>; contract?: boolean } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { Accept: "application/json", ...init.headers };
    if (body !== undefined) headers["Content-Type"] ??= "application/json";
    const token = init.token === undefined ? tokens.current : init.token;
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await fetch(sandbox.url + path, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      redirect: "manual",
    });
    const text = await response.text();
    const type = response.headers.get("content-type") ?? "";
    const parsed = text && type.includes("json") ? JSON.parse(text) : text;
    if (isRest(path) && init.contract !== false) {
      for (const problem of intercomResponseProblems(method, path, response.status, parsed)) {
        contractProblems.push(`${method} ${path}: ${problem}`);
      }
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  const tokens: { current?: string } = {};
  const token = (await call<{ access_token: string }>("POST", "/_sandbox/token")).body.access_token;
  tokens.current = token;

  /** Resets the stand-in and makes a fresh token the default. */
  async function reset(): Promise<string> {
    await call("POST", "/_sandbox/reset");
    tokens.current = (
      await call<{ access_token: string }>("POST", "/_sandbox/token")
    ).body.access_token;
    return tokens.current;
  }

  return {
    sandbox,
    url: sandbox.url,
    token,
    call,
    reset,
    contractProblems,
    close: () => sandbox.close(),
  };
}

export type TestSandbox = Awaited<ReturnType<typeof startTestSandbox>>;
