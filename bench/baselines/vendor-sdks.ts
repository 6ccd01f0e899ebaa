// Hull's packages as they ship (CommonJS), typed for what the baselines use: hull-client@2.0.4 (the
// API client and its firehose batcher) and hull@0.14.2 (the connector framework, on express 4).
import type { Server } from "node:http";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** A hull-client scoped to one user (`asUser`): `traits` and `track` resolve once the firehose took the batch. */
export interface HullUserClient {
  traits(attributes: Record<string, unknown>): Promise<unknown>;
  track(
    event: string,
    properties?: Record<string, unknown>,
    context?: Record<string, unknown>,
  ): Promise<unknown>;
}

/** hull-client's HullClient (lib/client.js). */
export interface HullClient {
  asUser(claims: Record<string, string>): HullUserClient;
}

export interface HullClientConfig {
  id: string;
  secret: string;
  organization: string;
  protocol?: string;
  firehoseUrl?: string;
  /** Entries per firehose request (hull-client's default 50). */
  flushAt?: number;
  /** How long (ms) a batch waits for company (hull-client's default 1,000). */
  flushAfter?: number;
}

export const HullClientClass = require("hull-client") as new (
  config: HullClientConfig,
) => HullClient;

/** hull's module: hull-client plus `Connector` (lib/connector/hull-connector.js). */
export const hull = require("hull") as {
  Connector: new (options: {
    hostSecret: string;
    port: number;
    connectorName?: string;
    clientConfig?: Partial<HullClientConfig>;
  }) => {
    setupApp(app: unknown): unknown;
    startApp(app: unknown): Server;
  };
};

/** express 4, hull@0.14.2's own web framework (its dependency). */
export const express = createRequire(require.resolve("hull"))("express") as (() => {
  use(...handlers: unknown[]): void;
  post(path: string, ...handlers: unknown[]): void;
}) & { raw(options: { type: string; limit?: string }): unknown };

/** Silences hull-client's winston console logger, as a production receiver would set its level. */
export function quietHullLogs(): void {
  const client = require("hull-client") as {
    logger: { transports: Record<string, { level: string }> };
  };
  for (const transport of Object.values(client.logger.transports)) transport.level = "error";
}
