// Hull's own published packages, loaded as they ship (CommonJS): minihull@2.1.2 (Hull's fake of its
// platform), hull@0.14.2 (the connector framework) and hull-client@2.0.4 (the API client). They are
// devDependencies only; this suite is where the connector is held to what they do.
import type { Server } from "node:http";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** minihull's MiniHull (src/mini-hull.js), typed for what this suite uses. */
export interface MiniHull {
  port: number;
  secret: string;
  server: Server;
  db: LowChain;
  requests: LowChain;
  listen(port: number): Promise<void>;
  close(): Promise<void>;
  stubUsersSegments(segments: unknown[]): MiniHull;
  /** POSTs `{url: <minihull>/_batch, format: "json"}` to `url` with the credentials in the query. */
  batchConnector(id: string, url: string): Promise<{ status: number }>;
  stubApp(method: string, url: string): { respond(handler: unknown): void };
}
/** A lowdb/lodash chain, as minihull exposes its database. */
export interface LowChain {
  get(path: string): LowChain;
  find(query: unknown): LowChain;
  insert(value: unknown): LowChain;
  filter(query: unknown): LowChain;
  assign(value: unknown): LowChain;
  write(): Record<string, unknown>;
  value(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export const MiniHullClass = require("minihull") as new (options: {
  hostname?: string;
  secret?: string;
}) => MiniHull;

/** hull-client lib/lib/crypto.js: how Hull's client signs firehose entries. */
export const hullClientCrypto = require("hull-client/lib/lib/crypto") as {
  lookupToken(
    config: { id: string; secret: string },
    subjectType: "user",
    objectClaims: { user: Record<string, string> },
  ): string;
};

/** jwt-simple, the library hull-client signs and reads its tokens with (hull-client's own copy). */
export const jwtSimple = createRequire(require.resolve("hull-client"))("jwt-simple") as {
  decode(
    token: string,
    key: string,
    noVerify?: boolean,
    algorithm?: string,
  ): Record<string, unknown>;
};

/** hull lib/utils/smart-notifier-validator.js: how Hull's framework checks a notification. */
export const SmartNotifierValidator =
  require("hull/lib/utils/smart-notifier-validator") as new () => {
    setRequest(request: { headers: Record<string, string>; body: unknown }): unknown;
    validateSignatureVersion(): boolean;
    validateSignatureHeaders(): boolean;
    validateSignature(): Promise<boolean>;
  };

/** hull lib/utils/smart-notifier-response.js: the answer Hull's framework gives a refused notification. */
export const smartNotifierResponse = require("hull/lib/utils/smart-notifier-response") as {
  SmartNotifierError: new (
    code: string,
    reason: string,
  ) => { statusCode: number; flowControl: unknown };
  SmartNotifierResponse: new () => {
    setFlowControl(flowControl: unknown): unknown;
    addError(error: unknown): unknown;
    toJSON(): unknown;
  };
};
