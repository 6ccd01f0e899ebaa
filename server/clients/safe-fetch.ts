import { lookup as dnsLookup } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { Agent, buildConnector, fetch as undiciFetch } from "undici";
import { isAllowedHost } from "./hull/hosts";

/** Where a caller-supplied URL may lead (an extract, a smart-notifier key). */
export interface DestinationPolicy {
  /** Host patterns (`host[:port]` or `*.domain`, as `isAllowedHost`) that every hop must match. */
  allowedHosts: readonly string[];
  /**
   * Loopback addresses (127.0.0.0/8, ::1) may be reached: the sandbox's stand-ins and the tests
   * live there. Private, link-local, unique-local and every other non-public range are always
   * refused (config `OUTBOUND_ALLOW_LOOPBACK`).
   */
  allowLoopback: boolean;
  /** Redirects followed at most (each re-checked); default 5. */
  maxRedirects?: number;
}

/** A fetch of a caller-supplied URL, same shape as the global `fetch`. */
export type SafeFetch = (url: string, init?: RequestInit) => Promise<Response>;

/** The destination (a host off the allow-list, or an address we never reach) is refused. */
export class RefusedDestinationError extends Error {
  override readonly name = "RefusedDestinationError";
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * True when a connection to `address` (an IP literal, v4 or v6) is allowed: public unicast only,
 * plus loopback when `allowLoopback`. IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is judged as the IPv4
 * address it carries; NAT64, 6to4 and Teredo prefixes are not "unicast" in ipaddr.js and are refused.
 */
export function isPermittedAddress(address: string, allowLoopback: boolean): boolean {
  const bare = address.replace(/^\[|\]$/g, "");
  if (!ipaddr.isValid(bare)) return false;
  const range = ipaddr.process(bare).range();
  return range === "unicast" || (allowLoopback && range === "loopback");
}

/** dns.lookup that fails when any address a name resolves to is not permitted. */
function guardedLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 4);
      const refused = addresses.find(({ address }) => !isPermittedAddress(address, allowLoopback));
      if (refused || addresses.length === 0) {
        const refusal = new RefusedDestinationError(
          `${hostname} resolves to ${refused?.address ?? "nothing"}, which the connector never reaches`,
        );
        return callback(refusal as NodeJS.ErrnoException, "", 4);
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/**
 * An undici dispatcher whose connections are checked three times: an IP literal before
 * connecting, a name after DNS resolution (`lookup`), and the socket's actual peer after
 * connecting (so nothing between resolution and connection can slip another address in).
 */
function guardedDispatcher(allowLoopback: boolean): Agent {
  // undici's BuildOptions type omits `lookup`, but the connector hands every other option on to
  // net.connect / tls.connect, which use it to resolve the host (undici lib/core/connect.js).
  const connect = buildConnector({ lookup: guardedLookup(allowLoopback) } as never);
  return new Agent({
    connect(options, callback) {
      const host = options.hostname.replace(/^\[|\]$/g, "");
      if (isIP(host) && !isPermittedAddress(host, allowLoopback)) {
        callback(
          new RefusedDestinationError(`${host} is an address the connector never reaches`),
          null,
        );
        return;
      }
      connect(options, (error, socket) => {
        if (error || !socket) return callback(error ?? new Error("No socket"), null);
        const peer = socket.remoteAddress ?? "";
        if (!isPermittedAddress(peer, allowLoopback)) {
          socket.destroy();
          return callback(new RefusedDestinationError(`Connected to ${peer}: refused`), null);
        }
        callback(null, socket);
      });
    },
  });
}

function checkHop(url: URL, policy: DestinationPolicy): void {
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new RefusedDestinationError(`Only http(s) URLs are fetched, not ${url.protocol}`);
  if (url.username || url.password)
    throw new RefusedDestinationError("URLs with user info are not fetched");
  if (!isAllowedHost(url.host, policy.allowedHosts))
    throw new RefusedDestinationError(`${url.host} is not an allowed host`);
}

/**
 * A fetch for URLs a caller chose (Hull's extract URL, the smart-notifier key URL): every hop,
 * the first and each redirect (followed by hand, at most `maxRedirects`), must be http(s) on an
 * allowed host, and every connection must reach a permitted address after DNS resolution
 * (`isPermittedAddress`). Throws `RefusedDestinationError` otherwise, and the fetch's own errors
 * (network, abort) as they are. A 303, or a 301/302 after a POST, continues as a GET without body,
 * as browsers do (Fetch standard, "HTTP-redirect fetch"). With `redirect: "manual"` a 3xx is returned
 * as it is (fetchJson does that: a credential header is never replayed to another host).
 */
export function createSafeFetch(policy: DestinationPolicy): SafeFetch {
  const dispatcher = guardedDispatcher(policy.allowLoopback);
  const maxRedirects = policy.maxRedirects ?? 5;
  return async (url, init = {}) => {
    let current = new URL(url);
    let method = (init.method ?? "GET").toUpperCase();
    let body = init.body;
    for (let hop = 0; ; hop++) {
      checkHop(current, policy);
      const response = await undiciFetch(current, {
        ...(init as object),
        method,
        body: body as never,
        redirect: "manual",
        dispatcher,
      }).catch((error: unknown) => {
        // undici reports a refused connection as "fetch failed" with our refusal as the cause.
        const cause = (error as { cause?: unknown }).cause;
        throw cause instanceof RefusedDestinationError ? cause : error;
      });
      const location = response.headers.get("location");
      const follow = init.redirect !== "manual" && REDIRECTS.has(response.status) && location;
      if (!follow) return response as unknown as Response;
      await response.body?.cancel();
      if (hop >= maxRedirects)
        throw new RefusedDestinationError(`More than ${maxRedirects} redirects from ${url}`);
      current = new URL(location, current);
      if (response.status === 303 || (response.status <= 302 && method === "POST")) {
        method = "GET";
        body = undefined;
      }
    }
  };
}
