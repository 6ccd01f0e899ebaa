import { createIntercomApi, type IntercomApi } from "./api";
import { createIntercomHttp, type IntercomHttpOptions } from "./http-client";
import { Pacer } from "./pacer";
import { restBaseUrl, type Region } from "./regions";

export interface WorkspaceAccess {
  appId: string;
  region: Region;
  token: string;
}

/** How one flow wants its retries: e.g. an outgoing run that must answer Hull in time. */
export type RetryPolicy = Pick<IntercomHttpOptions, "maxRetries" | "backoffMs" | "sleep">;

export interface IntercomConnections {
  /** An API client for one workspace; every client of a workspace shares its rate budget. */
  forWorkspace(access: WorkspaceAccess, retries?: RetryPolicy): IntercomApi;
  /** A client for a token whose workspace is not known yet (right after OAuth), on the US host that routes. */
  forToken(token: string): IntercomApi;
  pacerOf(appId: string): Pacer | undefined;
}

export function createIntercomConnections(
  options: { apiUrl?: string } & Pick<
    IntercomHttpOptions,
    "maxRetries" | "backoffMs" | "sleep" | "onRetry" | "timeoutMs"
  > = {},
): IntercomConnections {
  const pacers = new Map<string, Pacer>();
  return {
    forWorkspace({ appId, region, token }, retries = {}) {
      let pacer = pacers.get(appId);
      if (!pacer) {
        pacer = new Pacer();
        pacers.set(appId, pacer);
      }
      const { apiUrl, ...httpOptions } = options;
      return createIntercomApi(
        createIntercomHttp({
          ...httpOptions,
          ...retries,
          baseUrl: restBaseUrl(region, apiUrl),
          token,
          pacer,
        }),
      );
    },
    forToken(token) {
      const { apiUrl, ...httpOptions } = options;
      return createIntercomApi(
        createIntercomHttp({
          ...httpOptions,
          baseUrl: restBaseUrl("US", apiUrl),
          token,
          pacer: new Pacer(),
        }),
      );
    },
    pacerOf: (appId) => pacers.get(appId),
  };
}
