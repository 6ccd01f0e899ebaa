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

/** A webhook delivery the Intercom stand-in has not finished: never tried, or a retry to come. */
function deliveryOpen(delivery: { delivered: boolean; statuses: (number | string)[] }): boolean {
  if (delivery.delivered) return false;
  if (delivery.statuses.length === 0) return true;
  // The stand-in retries once after any failure but 410 (sandbox/intercom/webhooks/webhook-sender.ts).
  const [first] = delivery.statuses;
  const retried =
    first === "timeout" || first === "error" || (typeof first === "number" && first !== 410);
  return retried && delivery.statuses.length === 1;
}

/**
 * One look at everything that can still make a request: what each part has in flight (Hull's
 * notifier, Intercom's webhooks, the connector's waiting users, outbox and late writes), and how
 * much each log holds (a part that did something since the last look shows as a longer log).
 */
async function activity(stack: Stack): Promise<{ busy: string[]; logs: number[] }> {
  const id = stack.hull.connector.id;
  const { deps } = stack.connector;
  const notifier = await call<{ gathering: number; queued: number; sending: boolean }>(
    `${stack.urls.hull}/_sandbox/notifier`,
  );
  const notifications = await call<unknown[]>(`${stack.urls.hull}/_sandbox/notifications`);
  const firehose = await call<unknown[]>(`${stack.urls.hull}/_sandbox/firehose`);
  const webhooks = await call<{
    deliveries: { delivered: boolean; statuses: (number | string)[] }[];
  }>(`${stack.urls.intercom}/_sandbox/webhooks`);
  const requests = await call<{ requests: unknown[] }>(`${stack.urls.intercom}/_sandbox/requests`);
  const busy = [
    notifier.gathering + notifier.queued > 0 || notifier.sending ? "Hull's notifier" : "",
    webhooks.deliveries.some(deliveryOpen) ? "Intercom's webhooks" : "",
    (await deps.pending.summary(id)).users > 0 ? "the connector's waiting users" : "",
    (await deps.outbox.size()) > 0 ? "the connector's outbox" : "",
    (await deps.lateWrites?.has(id)) ? "the connector's late writes" : "",
  ].filter(Boolean);
  const logs = [
    notifications.length,
    firehose.length,
    webhooks.deliveries.length,
    requests.requests.length,
  ];
  return { busy, logs };
}

/**
 * Waits until the connector and both stand-ins have finished every piece of work, with nothing to
 * come until the test does something: Hull has answered every notification and gathers no change,
 * Intercom has delivered every webhook, the connector keeps no waiting user, outbox record or late
 * write, and two such looks in a row saw the same logs (so nothing started between them: a
 * webhook finished just before one look would have written to Hull, and a notification finished
 * would have logged its Intercom requests). Each part answers only once its own work is done (a
 * notification after its Intercom calls and firehose write, hull-notify.ts), so the Intercom
 * request log then holds every request the earlier steps caused, and no later one will come.
 */
export async function waitForQuiet(stack: Stack): Promise<void> {
  let last: string | undefined;
  await waitUntil(
    async () => {
      const { busy, logs } = await activity(stack);
      const seen = busy.length === 0 ? JSON.stringify(logs) : undefined;
      const quiet = seen !== undefined && seen === last;
      last = seen;
      if (!quiet && busy.length > 0) throw new Error(`Still busy: ${busy.join(", ")}`);
      return quiet;
    },
    { what: "the connector and both stand-ins to finish their work", intervalMs: 25 },
  );
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
