import {
  ConfigurationError,
  RetryableError,
  UnauthorizedError,
  UpstreamRefusedError,
} from "../../errors";
import { fetchJson, NetworkError } from "../fetch-json";
import type { SafeFetch } from "../safe-fetch";
import { organizationBaseUrl } from "./hosts";
import type { HullAttributeNode, HullConnector, HullCredentials, HullSegment } from "./types";
import { createKeyedQueue } from "../../keyed-queue";

/** Hull answered 402: the organization is disabled; nothing works until its administrator acts. */
export class OrganizationDisabledError extends ConfigurationError {
  override readonly code = "organization-disabled";
  constructor() {
    super("The Hull organization is disabled");
  }
}

export interface HullRestClient {
  getConnector(): Promise<HullConnector>;
  /**
   * Shallow-merges into the connector's private_settings and PUTs them whole, as Hull's own client
   * does (hull-client lib/utils/settings.js: `GET app`, then `PUT <id> {private_settings}`). Hull
   * replaces private_settings with the body's (minihull src/router.js), so the body always carries
   * every current key; public `settings` are never written.
   */
  updateSettings(update: { private_settings: Record<string, unknown> }): Promise<HullConnector>;
  putStatus(status: { status: string; messages: string[] }): Promise<void>;
  getSegments(): Promise<HullSegment[]>;
  /** Hull's attribute tree as Hull sends it (leaves `{id, text, type}`); read it leniently. */
  getAttributeTree(): Promise<HullAttributeNode[]>;
  /**
   * Asks Hull for an extract: `POST extract/user_reports {query, format: "json", url, fields}`, as
   * hull@0.14.2's helpers.requestExtract does (lib/helpers/request-extract.js). Hull answers at once
   * and later POSTs `{url, format, object_type}` to `url` (our /batch). Throws RetryableError when
   * Hull is down, UpstreamRefusedError when it refuses the request.
   */
  requestExtract(request: { url: string; query?: unknown; fields?: string[] }): Promise<void>;
  /** Account segments (`GET accounts_segments`, hull-platform.md §2.2); optional for fakes. */
  getAccountSegments?(): Promise<HullSegment[]>;
  /** The account attribute tree (`GET search/account_reports/bootstrap`); optional for fakes. */
  getAccountAttributeTree?(): Promise<HullAttributeNode[]>;
  /**
   * One segment with its `query`: `GET <segment id>`, which requestExtract reads when a segment
   * comes without its query (minihull src/router.js serves segments at `/:id`).
   */
  getSegment(id: string): Promise<HullSegment>;
  /**
   * The event names Hull holds: `GET search/event/bootstrap`, an array of `{name, properties,
   * created_at, updated_at, emitted}` (the `hull` framework's EVENTS_ROUTE and its
   * HullEventSchemaEntry type in hull-connectors). Only entries with a string `name` are kept.
   */
  getEventNames(): Promise<string[]>;
}

/**
 * Hull's REST API of the credentials' organization. The organization is the caller's word (checked
 * against the allow-list by the authenticator): `transport` is the SSRF-safe fetch in production.
 * Calls throw UnauthorizedError (Hull refused the credentials: 401/403, or 404 for the connector
 * itself), ConfigurationError (402: organization disabled), RetryableError (5xx, 429, unreachable)
 * and UpstreamRefusedError (any other 4xx, a 404 for a segment among them).
 */
export function createHullRestClient(
  credentials: HullCredentials,
  timeoutMs = 10_000,
  transport?: SafeFetch,
): HullRestClient {
  const base = organizationBaseUrl(credentials.organization);
  const headers = {
    "Hull-App-Id": credentials.id,
    "Hull-Access-Token": credentials.secret,
    "Hull-Organization": credentials.organization,
    "User-Agent": "hull-intercom-connector",
  };

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response;
    try {
      response = await fetchJson<T>(`${base}/${path}`, {
        method,
        headers,
        body,
        timeoutMs,
        fetch: transport,
      });
    } catch (error) {
      if (error instanceof NetworkError)
        throw new RetryableError(`Hull is unreachable: ${error.message}`);
      throw error;
    }
    const { status } = response;
    if (status >= 200 && status < 300) return response.body;
    if (status === 401 || status === 403)
      throw new UnauthorizedError("Hull refused the connector credentials");
    // Only a 404 for the connector itself says the credentials name no connector; a 404 for
    // anything else (a segment deleted meanwhile, an API this organization lacks) is about that.
    if (status === 404 && (path === credentials.id || path.startsWith(`${credentials.id}/`)))
      throw new UnauthorizedError("Hull does not know this connector (wrong id or organization)");
    if (status === 402) throw new OrganizationDisabledError();
    if (status >= 500 || status === 429)
      throw new RetryableError(`Hull answered ${status} to ${method} ${path}`);
    throw new UpstreamRefusedError("hull", status, `Hull answered ${status} to ${method} ${path}`);
  }

  return {
    async getConnector() {
      const connector = await call<HullConnector>("GET", credentials.id);
      // minihull@2.1.2 answers 200 with no body for an id it does not have (src/router.js:
      // `res.json(connector || segment)`); Hull itself answers 404 (hull-platform.md §2.1). Both
      // mean the same: these credentials name no connector.
      if (!connector || typeof connector !== "object" || connector.id !== credentials.id)
        throw new UnauthorizedError("Hull does not know this connector (wrong id or organization)");
      return connector;
    },
    async updateSettings(update) {
      const current = await call<HullConnector>("GET", credentials.id);
      if (!current || typeof current !== "object" || current.id !== credentials.id) {
        // Without the current settings a merge would drop them: write nothing.
        throw new RetryableError("Hull did not return the connector; settings not written");
      }
      const private_settings = { ...current.private_settings, ...update.private_settings };
      return call<HullConnector>("PUT", credentials.id, { private_settings });
    },
    async putStatus(status) {
      await call("PUT", `${credentials.id}/status`, status);
    },
    async getAccountSegments() {
      return namedSegments(
        await call<unknown>("GET", `accounts_segments?shipId=${credentials.id}`),
      );
    },
    async getAccountAttributeTree() {
      const response = await call<{ tree?: HullAttributeNode[] }>(
        "GET",
        "search/account_reports/bootstrap",
      );
      return Array.isArray(response?.tree) ? response.tree : [];
    },
    async getSegments() {
      const segments = await call<unknown>("GET", `users_segments?shipId=${credentials.id}`);
      // Only segments with an id and a name: anything else in Hull's answer is not one we can use.
      return (Array.isArray(segments) ? segments : []).filter(
        (segment): segment is HullSegment =>
          typeof segment === "object" &&
          segment !== null &&
          typeof (segment as HullSegment).id === "string" &&
          typeof (segment as HullSegment).name === "string",
      );
    },
    async getAttributeTree() {
      const response = await call<{ tree?: HullAttributeNode[] }>(
        "GET",
        "search/user_reports/bootstrap",
      );
      return Array.isArray(response?.tree) ? response.tree : [];
    },
    async requestExtract({ url, query = {}, fields = [] }) {
      await call("POST", "extract/user_reports", { url, query, format: "json", fields });
    },
    getSegment: (id) => call<HullSegment>("GET", encodeURIComponent(id)),
    async getEventNames() {
      const entries = await call<unknown>("GET", "search/event/bootstrap");
      if (!Array.isArray(entries)) return [];
      const names = entries.flatMap((entry: unknown) => {
        const name = (entry as { name?: unknown } | null)?.name;
        return typeof name === "string" && name.trim() !== "" ? [name] : [];
      });
      return [...new Set(names)];
    },
  };
}

/** Only segments with an id and a name: anything else in Hull's answer is not one we can use. */
function namedSegments(segments: unknown): HullSegment[] {
  return (Array.isArray(segments) ? segments : []).filter(
    (segment): segment is HullSegment =>
      typeof segment === "object" &&
      segment !== null &&
      typeof (segment as HullSegment).id === "string" &&
      typeof (segment as HullSegment).name === "string",
  );
}

/**
 * Settings writes are read-modify-write of the whole private_settings (Hull's API has no patch), so
 * two flows of one connector writing at once would lose one write. This runs them one at a time per
 * connector — in this process through a queue, and across processes through `shared` (a Redis lock
 * when REDIS_URL is set; docs/adr/005) — and drops the cached copy of the connector after each, so
 * readers see it at once.
 */
export function createSettingsWriter(
  forget: (credentials: HullCredentials) => void,
  shared?: { withLock<T>(name: string, work: () => Promise<T>): Promise<T> },
) {
  const oneAtATime = createKeyedQueue();
  return (credentials: HullCredentials, client: HullRestClient): HullRestClient => ({
    ...client,
    updateSettings(update) {
      const key = `${credentials.organization}/${credentials.id}`;
      return oneAtATime(key, async () => {
        const saved = shared
          ? await shared.withLock(`settings:${key}`, () => client.updateSettings(update))
          : await client.updateSettings(update);
        forget(credentials);
        return saved;
      });
    },
  });
}
