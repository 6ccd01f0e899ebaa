import { connectThroughOAuth } from "../../../../sandbox/scenarios/connect-through-oauth";
import { startTestStack, type Stack } from "../../../helpers/stack";
import { waitUntil, WAIT_CEILING_MS } from "../../../helpers/wait";

export interface SandboxContact {
  id: string;
  role: "user" | "lead";
  email: string;
  external_id: string | null;
  name: string | null;
  phone: string | null;
  custom_attributes: Record<string, unknown>;
  tags: string[];
  events: { event_name: string; created_at: number; metadata: Record<string, unknown> }[];
}

export interface LoggedRequest {
  method: string;
  path: string;
  body: unknown;
  status: number;
}

async function call<T>(url: string, method = "GET", body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The Hull stand-in's control API, typed for the outgoing tests. */
export function hullControl(stack: Stack) {
  const base = `${stack.urls.hull}/_sandbox`;
  return {
    createSegment: (name: string, query: Record<string, unknown>) =>
      call<{ id: string; name: string }>(`${base}/segments`, "POST", { name, query }),
    renameSegment: (id: string, name: string) =>
      call<{ id: string }>(`${base}/segments/${id}`, "PUT", { name }),
    deleteSegment: (id: string) => call(`${base}/segments/${id}`, "DELETE"),
    /** Hull's faults: firehose `{status, delay_ms, count}`, `{extract_status}`; `{}` clears. */
    faults: (rule: Record<string, unknown>) => call(`${base}/faults`, "POST", rule),
    seedUsers: (users: unknown[]) =>
      call<{ id: string; attributes: Record<string, unknown> }[]>(`${base}/users`, "POST", users),
    users: () =>
      call<
        {
          id: string;
          email: string | null;
          anonymous_ids: string[];
          attributes: Record<string, unknown>;
        }[]
      >(`${base}/users`),
    settings: (privateSettings: Record<string, unknown>) =>
      call(`${base}/connector/settings`, "PUT", { private_settings: privateSettings }),
    notify: (body: Record<string, unknown>) => call(`${base}/notify`, "POST", body),
    notifications: () =>
      call<
        {
          channel: string;
          attempt: number;
          status?: number;
          outcome: string;
          user_ids: string[];
          flow_control?: { type: string; in?: number };
        }[]
      >(`${base}/notifications`),
  };
}

/** The Intercom stand-in's control API. */
export function intercomControl(stack: Stack) {
  const base = `${stack.urls.intercom}/_sandbox`;
  return {
    contacts: async () => (await call<{ contacts: SandboxContact[] }>(`${base}/contacts`)).contacts,
    count: async () =>
      (await call<{ total_count: number }>(`${base}/contacts?limit=0`)).total_count,
    seedContacts: (contacts: unknown[]) =>
      call<{ ids: string[] }>(`${base}/contacts`, "POST", { contacts }),
    requests: async () => (await call<{ requests: LoggedRequest[] }>(`${base}/requests`)).requests,
    clearRequests: () => call(`${base}/requests`, "DELETE"),
    faults: (rule: Record<string, unknown>) => call(`${base}/faults`, "POST", rule),
    rateLimit: (perMinute: number) => call(`${base}/rate-limit`, "POST", { per_minute: perMinute }),
    settings: (settings: Record<string, unknown>) => call(`${base}/settings`, "POST", settings),
  };
}

/**
 * Polls until `check` returns a value other than undefined/false (or stops throwing); the ceiling
 * `timeoutMs` (ms) only bounds a hang (test/helpers/wait.ts).
 */
export function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = WAIT_CEILING_MS,
): Promise<T> {
  return waitUntil(check, { timeoutMs, intervalMs: 25 });
}

/** The connector and both stand-ins, Intercom connected through OAuth, the request log cleared. */
export async function startConnectedStack() {
  const stack = await startTestStack();
  const hull = hullControl(stack);
  const intercom = intercomControl(stack);
  await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
  await intercom.clearRequests(); // OAuth's own endpoints are not REST API calls
  return { stack, hull, intercom };
}
