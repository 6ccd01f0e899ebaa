import type { ActivityLog } from "../activity";
import type { HullAuthenticator } from "../clients/hull/authenticate";
import type { FirehoseWriter } from "../clients/hull/firehose";
import type { NotifierSignatureVerifier } from "../clients/hull/notifier-signature";
import type { TokenIssuer } from "../clients/hull/tokens";
import type { StatusDeps } from "../status/check-status";
import type { WorkspaceLinkKeeper } from "../connection/workspace-link-keeper";
import type { DeadLetterStore } from "../durable/dead-letters";
import type { Outbox } from "../durable/outbox";
import type { LateWrites } from "../durable/write-to-hull";
import type { Deduplicator } from "../incoming/webhook/deduplicator";
import type { JobRunner } from "../jobs/job-runner";
import type { PendingUsers } from "../outgoing/pending/pending-users";

/** Everything the HTTP surfaces need, built once by main.ts (or by a test). */
export interface AppDeps extends StatusDeps {
  publicUrl: string;
  hullAuth: HullAuthenticator;
  /** Restores lost workspace links from Hull's settings (ADR 030); main.ts wraps hullAuth with it. */
  workspaceLinks?: WorkspaceLinkKeeper;
  tokens: TokenIssuer;
  activity: ActivityLog;
  /** Writes to Hull's firehose; a flow awaits it to know Hull has its data. */
  firehose: FirehoseWriter;
  /** Checks smart-notifier signatures against keys from allow-listed Hull hosts only. */
  notifierSignatures: NotifierSignatureVerifier;
  /** Runs fetches in the background with checkpoints. */
  jobs: JobRunner;
  /** Durable store of acknowledged data Hull has not taken yet, replayed in the background. */
  outbox: Outbox;
  /** Webhook writes to Hull that outlasted their budget, until they settle (ADR 026). */
  lateWrites?: LateWrites;
  /** Records Hull refused for good, with the reason, shown on the dashboard with a retry. */
  deadLetters: DeadLetterStore;
  /** Users taken over from Hull that wait for Intercom's budget (ADR 012). */
  pending: PendingUsers;
  /** Sends the waiting users; a notification that hands some over wakes it. */
  pendingDrain?: { kick(): void };
  /** Hosts /batch may download Hull's extract files from. */
  extractHosts: readonly string[];
  /**
   * How long (ms) a webhook waits for Hull to confirm its connector before Hull's last answer
   * stands in (ADR 032); default WEBHOOK_AUTH_BUDGET_MS (incoming/webhook/receive-notification.ts).
   * Tests set it.
   */
  webhookAuthBudgetMs?: number;
  /**
   * How long (ms) a webhook waits for Hull in all before its writes go to the outbox (ADR 003,
   * ADR 032); default HULL_BUDGET_MS (incoming/webhook/receive-notification.ts). Tests set it.
   */
  hullBudgetMs?: number;
  /** Remembers Intercom notification ids already delivered. */
  deduplicator: Deduplicator;
  /** The Intercom app's client secret, which also signs Intercom's webhooks. */
  intercomClientSecret: string;
  /** Where the Rollup bundles are (ship.js, dashboard.js). */
  assetsDir: string;
  manifest: Record<string, unknown>;
  /**
   * With REDIS_URL: whether Redis answered the keys connection's last command (docs/adr/029);
   * `/health` reports it. The status check asks Redis itself (`redisReachable`, from StatusDeps).
   */
  redisAnswering?: () => boolean;
}
