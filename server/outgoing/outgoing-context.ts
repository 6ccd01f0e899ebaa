import type { ActivityLog } from "../activity";
import type { FirehoseWriter } from "../clients/hull/firehose";
import type { HullRestClient } from "../clients/hull/rest";
import type { HullCredentials } from "../clients/hull/types";
import type { IntercomApi } from "../clients/intercom/api";
import type { Logger } from "../log";
import type { ConnectorSettings } from "../settings";
import type { CustomAttributes } from "./custom-attributes";
import type { SegmentTags } from "./segment-tags";

/** What one outgoing run works with: one connector, its settings, its Intercom workspace. */
export interface OutgoingContext {
  credentials: HullCredentials;
  hull: HullRestClient;
  settings: ConnectorSettings;
  api: IntercomApi;
  firehose: FirehoseWriter;
  logger: Logger;
  activity: ActivityLog;
  customAttributes: CustomAttributes;
  tags: SegmentTags;
}
