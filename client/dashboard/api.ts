import type {
  AccountSources,
  ActivityFilter,
  ActivityPage,
  AttributesResponse,
  DeadLetters,
  RetryResult,
  FetchKind,
  FetchResponse,
  FieldError,
  MemberExtract,
  Overview,
  PrivateSettings,
  SettingsResponse,
  SettingsUpdate,
} from "./types";

export const SESSION_EXPIRED = "Your session has expired, reopen the connector from Hull";

/** A failed API call: `message` is what the user should read, `details` name form fields. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: FieldError[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface DashboardApi {
  overview(): Promise<Overview>;
  settings(): Promise<SettingsResponse>;
  attributes(): Promise<AttributesResponse>;
  /** The account fields' pickers; optional so older fakes still type. */
  accountSources?(): Promise<AccountSources>;
  /** Saves; `extracts` says which added segments' current members Hull was asked for. */
  saveSettings(
    update: SettingsUpdate,
  ): Promise<{ private_settings: PrivateSettings; extracts?: MemberExtract[] }>;
  /** "Send current members" of some synchronized segments, or of all of them. */
  sendMembers(
    request: { segment_ids: string[] } | { all: true },
  ): Promise<{ extracts: MemberExtract[] }>;
  disconnect(): Promise<{ ok: boolean }>;
  startFetch(kind: FetchKind): Promise<FetchResponse>;
  deadLetters(): Promise<DeadLetters>;
  retryDeadLetter(id: string): Promise<RetryResult>;
  activity(filter: ActivityFilter): Promise<ActivityPage>;
}

export interface ApiOptions {
  base: string;
  token: string;
  fetch?: typeof fetch;
}

/**
 * The dashboard's only door to the connector: every call carries the dashboard token as a bearer
 * token and turns error bodies `{error, details}` into an ApiError.
 * @example const api = createApi({ base: "", token }); await api.overview();
 */
export function createApi({ base, token, fetch: fetchImpl = fetch.bind(globalThis) }: ApiOptions) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Accept: "application/json",
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, "The connector could not be reached. Check your connection and retry.");
    }
    const payload = await readJson(response);
    if (response.ok) return payload as T;
    throw toApiError(response.status, payload);
  }

  const api: DashboardApi = {
    overview: () => call("GET", "/admin/api/overview"),
    settings: () => call("GET", "/admin/api/settings"),
    attributes: () => call("GET", "/admin/api/attributes"),
    accountSources: () => call("GET", "/admin/api/account-sources"),
    saveSettings: (update) => call("PUT", "/admin/api/settings", update),
    disconnect: () => call("POST", "/admin/api/disconnect"),
    sendMembers: (request) => call("POST", "/admin/api/segments/members", request),
    startFetch: (kind) => call("POST", "/admin/api/fetch", { kind }),
    deadLetters: () => call("GET", "/admin/api/dead-letters"),
    retryDeadLetter: (id) =>
      call("POST", `/admin/api/dead-letters/${encodeURIComponent(id)}/retry`),
    activity: (filter) => {
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(filter)) {
        if (value !== undefined && value !== "") query.set(name, String(value));
      }
      const search = query.toString();
      return call("GET", `/admin/api/activity${search ? `?${search}` : ""}`);
    },
  };
  return api;
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

/** Maps an error status and body to what the user reads; 401 always means an expired session. */
export function toApiError(status: number, payload: unknown): ApiError {
  if (status === 401) return new ApiError(401, SESSION_EXPIRED);
  const body = (payload ?? {}) as { error?: unknown; message?: unknown; details?: unknown };
  const text =
    typeof body.error === "string"
      ? body.error
      : typeof body.message === "string"
        ? body.message
        : `The connector answered with an error (HTTP ${status}).`;
  const details = Array.isArray(body.details)
    ? body.details.filter(
        (item): item is FieldError =>
          typeof item === "object" &&
          item !== null &&
          typeof (item as FieldError).path === "string" &&
          typeof (item as FieldError).message === "string",
      )
    : [];
  return new ApiError(status, text, details);
}
